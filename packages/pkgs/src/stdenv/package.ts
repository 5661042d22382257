/**
 * A package: what `stdenv.mkDerivation` returns.
 *
 * It is the derivation itself (its prototype is the core {@link Derivation},
 * so `${pkg}` is its output path, `pkg.drvPath` its `.drv`, and Kiln's
 * commands build it) with nixpkgs' extras on top: `pname`, `version`,
 * `meta`, `passthru` (whose attributes also sit directly on the package),
 * the final attributes, `overrideAttrs`, and `override` when it comes from
 * `callPackage`. None of the extras is in the derivation, so changing them
 * rebuilds nothing.
 *
 * The signature of `mkDerivation` and the shape of a stdenv (`StdenvLike`)
 * live here with the package, not beside the `Stdenv` class and its
 * `mkDerivation`: a package names its stdenv, and a stdenv makes packages,
 * so keeping these types together leaves no import circle between the files.
 */
import type { Derivation, DerivationAttrValue } from "@kiln/formats";
import { PackageAttributeError } from "../errors.js";
import type { PkgsConfig } from "../config.js";
import type { Meta } from "../meta.js";
import type { HostToolchain, HostToolSpec } from "./host-tools.js";

/** The `passthru` of a package without any. */
export type NoPassthru = Record<never, never>;

/** An element of `buildInputs` and the like: a package, an output, a store path; `null` and `false` are skipped. */
export type InputValue = DerivationAttrValue | false;

/**
 * The attributes of `stdenv.mkDerivation`: nixpkgs' names, with their
 * meaning there. Other attributes are environment variables of the build, as
 * in `derivation()`, when written in upper case or as custom phases
 * (`…Phase`); any other name is refused by the type, so a misspelt
 * attribute is a compile error (variables of other names go in `env`).
 */
export interface MkDerivationAttrs<Passthru extends object = NoPassthru> {
  /** The name; defaults to `${pname}-${version}`. */
  readonly name?: string;
  /** The package's name without version. */
  readonly pname?: string;
  /** Its version. */
  readonly version?: string;
  /** The source: a `path()`, a fetcher's result, or any store path; a directory is copied, an archive unpacked. */
  readonly src?: DerivationAttrValue;
  /** Several sources, unpacked side by side (then set `sourceRoot`). */
  readonly srcs?: readonly DerivationAttrValue[];
  /** The directory to build in after unpacking, if it cannot be guessed. */
  readonly sourceRoot?: string;
  /** Patches applied with `patch -p1` (see `patchFlags`); `.gz`, `.bz2`, `.xz` are decompressed. */
  readonly patches?: readonly DerivationAttrValue[];
  /** Flags of `patch`; default `-p1`. */
  readonly patchFlags?: readonly string[];
  /** Tools needed to build (their `bin` goes on PATH). */
  readonly nativeBuildInputs?: readonly InputValue[];
  /** Libraries needed to build (include/lib flags, pkg-config). Kiln treats both kinds of input alike. */
  readonly buildInputs?: readonly InputValue[];
  /** Inputs that every package depending on this one gets too. */
  readonly propagatedBuildInputs?: readonly InputValue[];
  /** Tools that every package depending on this one gets too. */
  readonly propagatedNativeBuildInputs?: readonly InputValue[];
  /** Inputs added only when `doCheck` is on. */
  readonly checkInputs?: readonly InputValue[];
  /** Tools added only when `doCheck` is on. */
  readonly nativeCheckInputs?: readonly InputValue[];
  /** The configure script to run; default `./configure` if it exists. */
  readonly configureScript?: string;
  /** Flags of the configure script (after `--prefix=$out`). */
  readonly configureFlags?: readonly DerivationAttrValue[];
  /** Do not pass `--prefix=$out`. */
  readonly dontAddPrefix?: boolean;
  /** Flags of every `make` call. */
  readonly makeFlags?: readonly DerivationAttrValue[];
  /** Flags of `make` in the build phase. */
  readonly buildFlags?: readonly DerivationAttrValue[];
  /** Flags of `make` in the check phase. */
  readonly checkFlags?: readonly DerivationAttrValue[];
  /** Flags of `make` in the install phase. */
  readonly installFlags?: readonly DerivationAttrValue[];
  /** The install targets; default `install`. */
  readonly installTargets?: readonly string[];
  /** Run `make` with `-j$NIX_BUILD_CORES`. */
  readonly enableParallelBuilding?: boolean;
  /** Run the check phase (`make check`, or `make test`). */
  readonly doCheck?: boolean;
  /** The check target; default `check` or `test`, whichever the Makefile has. */
  readonly checkTarget?: string;
  /** Run the install check phase (`make installcheck`). */
  readonly doInstallCheck?: boolean;
  /** Skip the unpack phase (there is no source, or the build works elsewhere). */
  readonly dontUnpack?: boolean;
  /** Skip the patch phase. */
  readonly dontPatch?: boolean;
  /** Skip the configure phase. */
  readonly dontConfigure?: boolean;
  /** Skip the build phase. */
  readonly dontBuild?: boolean;
  /** Skip the install phase. */
  readonly dontInstall?: boolean;
  /** Skip the fixup phase (no moving of man pages, no shebang rewriting, no stripping, no propagation files). */
  readonly dontFixup?: boolean;
  /** Keep debugging information and symbols. */
  readonly dontStrip?: boolean;
  /** Leave `#!` lines as they are. */
  readonly dontPatchShebangs?: boolean;
  /** The phases to run, replacing the default list. */
  readonly phases?: readonly string[];
  /** Shell code replacing the unpack phase. */
  readonly unpackPhase?: string;
  /** Shell code replacing the patch phase. */
  readonly patchPhase?: string;
  /** Shell code replacing the configure phase. */
  readonly configurePhase?: string;
  /** Shell code replacing the build phase. */
  readonly buildPhase?: string;
  /** Shell code replacing the check phase. */
  readonly checkPhase?: string;
  /** Shell code replacing the install phase. */
  readonly installPhase?: string;
  /** Shell code replacing the fixup phase. */
  readonly fixupPhase?: string;
  /** Shell code replacing the installCheck phase. */
  readonly installCheckPhase?: string;
  /** Shell code run at the start of the unpack phase. */
  readonly preUnpack?: string;
  /** Shell code run at the end of the unpack phase. */
  readonly postUnpack?: string;
  /** Shell code run at the start of the patch phase. */
  readonly prePatch?: string;
  /** Shell code run at the end of the patch phase. */
  readonly postPatch?: string;
  /** Shell code run at the start of the configure phase. */
  readonly preConfigure?: string;
  /** Shell code run at the end of the configure phase. */
  readonly postConfigure?: string;
  /** Shell code run at the start of the build phase. */
  readonly preBuild?: string;
  /** Shell code run at the end of the build phase. */
  readonly postBuild?: string;
  /** Shell code run at the start of the check phase. */
  readonly preCheck?: string;
  /** Shell code run at the end of the check phase. */
  readonly postCheck?: string;
  /** Shell code run at the start of the install phase. */
  readonly preInstall?: string;
  /** Shell code run at the end of the install phase. */
  readonly postInstall?: string;
  /** Shell code run at the start of the fixup phase. */
  readonly preFixup?: string;
  /** Shell code run at the end of the fixup phase. */
  readonly postFixup?: string;
  /** Shell code run at the start of the installCheck phase. */
  readonly preInstallCheck?: string;
  /** Shell code run at the end of the installCheck phase. */
  readonly postInstallCheck?: string;
  /** Shell code replacing all phases. */
  readonly buildCommand?: string;
  /** A file that packages depending on this one source (installed as `nix-support/setup-hook`, `@out@` and the like substituted). */
  readonly setupHook?: DerivationAttrValue;
  /** The outputs; `dev`, `man`, `doc`, `info` receive headers and pkg-config files, manuals, documentation, info pages. */
  readonly outputs?: readonly string[];
  /** Environment variables of the build (nixpkgs' `env`); a name also given as an attribute is an error. */
  readonly env?: Readonly<Record<string, DerivationAttrValue>>;
  /** Values kept on the package, never in the derivation (e.g. `tests`). */
  readonly passthru?: Passthru;
  /** What the package says about itself, never in the derivation. */
  readonly meta?: Meta;
  /** A builder script run by bash instead of the default `genericBuild`. */
  readonly builder?: DerivationAttrValue;
  /** The program that runs the builder; default the stdenv's shell, `/bin/bash`. */
  readonly realBuilder?: DerivationAttrValue;
  /** Arguments of `realBuilder`; default `["-e", builder]`. */
  readonly args?: readonly DerivationAttrValue[];
  /** Pass attributes as JSON and `.attrs.sh` (lists become bash arrays). */
  readonly __structuredAttrs?: boolean;
  /** Attributes passed in files rather than environment variables. */
  readonly passAsFile?: readonly string[];
  /** Build-time inputs that run on the build machine for the build machine. */
  readonly depsBuildBuild?: readonly InputValue[];
  /** Inputs for the target platform of a compiler being built. */
  readonly depsTargetTarget?: readonly InputValue[];
  /** Flags of `make` in the installCheck phase. */
  readonly installCheckFlags?: readonly DerivationAttrValue[];
  /** The installCheck target; default `installcheck`. */
  readonly installCheckTarget?: string;
  /** Run the dist phase (`make dist`). */
  readonly doDist?: boolean;
  /** Flags of `make` in the dist phase. */
  readonly distFlags?: readonly DerivationAttrValue[];
  /** The dist target; default `dist`. */
  readonly distTarget?: string;
  /** Do not copy the dist tarballs to `$out/tarballs`. */
  readonly dontCopyDist?: boolean;
  /** Do not pass `--disable-dependency-tracking` to configure scripts that accept it. */
  readonly dontDisableDependencyTracking?: boolean;
  /** Leave the unpacked sources read-only. */
  readonly dontMakeSourcesWritable?: boolean;
  /** Shell code run after unpacking that sets `sourceRoot`. */
  readonly setSourceRoot?: string;
  /** Directories whose files lose their debugging information. */
  readonly stripDebugList?: readonly string[];
  /** Flags of `strip` for `stripDebugList`. */
  readonly stripDebugFlags?: readonly string[];
  /** Directories whose files lose all symbols. */
  readonly stripAllList?: readonly string[];
  /** Flags of `strip` for `stripAllList`. */
  readonly stripAllFlags?: readonly string[];
  /** Build on the machine that evaluates rather than on a remote builder. */
  readonly preferLocalBuild?: boolean;
  /** Whether the output may be fetched from a binary cache instead of built. */
  readonly allowSubstitutes?: boolean;
  /** A phase of your own, named in `phases` (`myPhase: "…"`). */
  readonly [customPhase: `${string}Phase`]: unknown;
  /**
   * An upper-case name (`NIX_CFLAGS_COMPILE`) is an environment variable of
   * the build. Other names are not attributes of `mkDerivation`, so a typo
   * (`dontUnpak`) is a compile error: put variables of other names in `env`.
   */
  readonly [environmentVariable: Uppercase<string>]: unknown;
}

/** The final attributes, as layers see them: every attribute, and the package they make. */
export type FinalAttrs<Passthru extends object = NoPassthru> = MkDerivationAttrs<Passthru> & {
  /** The package these attributes make (readable from getters and later, not while computing the attributes). */
  readonly finalPackage: Package<Passthru>;
};

/** What `overrideAttrs` accepts: new attributes, a function of the previous ones, or of the final and the previous ones. */
export type AttrsUpdate<Passthru extends object = NoPassthru> =
  | Partial<MkDerivationAttrs<Passthru>>
  | ((prevAttrs: MkDerivationAttrs<Passthru>) => Partial<MkDerivationAttrs<Passthru>>)
  | ((finalAttrs: FinalAttrs<Passthru>, prevAttrs: MkDerivationAttrs<Passthru>) => Partial<MkDerivationAttrs<Passthru>>);

/** The signature of `stdenv.mkDerivation`. */
export interface MkDerivation {
  /**
   * Makes a package from nixpkgs-style attributes, or from a function of the
   * final attributes (for self-reference: read them in getters, see `attrs-fixpoint.ts`).
   *
   * @example
   * const hello = stdenv.mkDerivation((finalAttrs) => ({
   *   pname: "hello",
   *   version: "2.12.1",
   *   get src() { return fetchurl({ url: `mirror://gnu/hello/hello-${finalAttrs.version}.tar.gz`, hash: "sha256-…" }); },
   *   meta: { description: "A friendly greeting", license: licenses.gpl3Plus, mainProgram: "hello" },
   * }));
   */
  <Passthru extends object = NoPassthru>(attrs: MkDerivationAttrs<Passthru> | ((finalAttrs: FinalAttrs<Passthru>) => MkDerivationAttrs<Passthru>)): Package<Passthru>;
}

/**
 * What a stdenv offers: the public members of the `Stdenv` class, which
 * implements this. A package's `stdenv` has this type, and what takes a
 * stdenv (`runCommandWith`, the stdenvs of the trivial builders) takes it,
 * so `pkg.stdenv` can be passed on; declare a stdenv parameter of your own
 * (a `callPackage` function's) with it for the same reason.
 */
export interface StdenvLike {
  /** Marks a stdenv for code that receives unknown values. */
  readonly type: "stdenv";
  /** The Nix system name builds are for. */
  readonly system: string;
  /** The package set's configuration. */
  readonly config: PkgsConfig;
  /** Whether builds get a C compiler (`false` for `stdenvNoCC`). */
  readonly hasCC: boolean;
  /** Where builds find the tools (after their dependencies' `bin`): `/usr/bin:/bin`, the build root's or the host's. */
  readonly hostPath: string;
  /** Where the tools come from: the locked Debian toolchain, or the host (impure). */
  readonly toolchain: "debian" | "host";
  /** The shell builders and scripts run with: `/bin/bash` (the build root's in builds, the host's at run time). */
  readonly shell: string;
  /** How trivial builders check scripts for syntax errors. */
  readonly shellDryRun: string;
  /** Makes a package with this stdenv (see {@link MkDerivation}). */
  readonly mkDerivation: MkDerivation;
  /** Whether builds run on Linux. */
  readonly isLinux: boolean;
  /** Whether builds run on macOS. */
  readonly isDarwin: boolean;
  /** The tools this stdenv fingerprints. */
  readonly hostToolSpecs: readonly HostToolSpec[];
  /** The host tools and their versions (asked once per process), limited to `hostToolSpecs`. */
  readonly hostTools: HostToolchain;
  /** The Debian toolchain's merged tree (an FHS environment) for the current store directory, or `undefined` for the host toolchain. */
  readonly toolchainRoot: Derivation<"out"> | undefined;
  /** What builds see as `/usr`, `/lib`, `/bin` (the `kilnBuildRoot` every package of this stdenv carries), or `undefined` for the host toolchain. */
  readonly buildRoot: string | undefined;
  /**
   * The build root of a package with `inputs`: `buildRoot` with the closures
   * of the Debian packages among them merged in; `undefined` for the host toolchain.
   */
  buildRootFor(inputs: readonly unknown[]): string | undefined;
  /** For the host toolchain, the attribute with which its builds ask the sandbox for the host's `/usr`, `/bin`, `/lib`; nothing for the Debian one. */
  readonly impureHostPaths: { kilnImpureHostPaths?: string };
  /** The stdenv derivation for the current store directory. */
  readonly derivation: Derivation;
  /** The stdenv's output path, so that `${stdenv}` and `stdenv: stdenv` name it. */
  readonly outPath: string;
  /** The stdenv's output path. */
  toString(): string;
}

/** What a package has besides being a derivation. */
export interface PackageMembers<Passthru extends object = NoPassthru> {
  /** The package's name without version, if given. */
  readonly pname: string | undefined;
  /** Its version, if given. */
  readonly version: string | undefined;
  /** Its source, if any. */
  readonly src: unknown;
  /** Its `meta` (empty if none was given). */
  readonly meta: Meta;
  /** Its `passthru` (its attributes are also on the package itself). */
  readonly passthru: Passthru;
  /** The final attributes it was made from. */
  readonly attrs: FinalAttrs<Passthru>;
  /** The stdenv it was made with. */
  readonly stdenv: StdenvLike;
  /**
   * The package made again with some attributes changed: an object, a
   * function of the previous attributes, or of the final and the previous
   * attributes (`(finalAttrs, prevAttrs) => ({ … })`).
   */
  overrideAttrs(update: (finalAttrs: FinalAttrs<Passthru>, prevAttrs: MkDerivationAttrs<Passthru>) => Partial<MkDerivationAttrs<Passthru>>): this;
  /** The package with attributes computed from the previous ones. */
  overrideAttrs(update: (prevAttrs: MkDerivationAttrs<Passthru>) => Partial<MkDerivationAttrs<Passthru>>): this;
  /** The package with some attributes replaced. */
  overrideAttrs(update: Partial<MkDerivationAttrs<Passthru>>): this;
}

/** A package: a derivation with {@link PackageMembers} and its `passthru` attributes. */
export type Package<Passthru extends object = NoPassthru> = Derivation & PackageMembers<Passthru> & Passthru;

/** Names a `passthru` attribute may not take, since the package needs them. */
export const RESERVED_PACKAGE_KEYS: ReadonlySet<string> = new Set([
  "type",
  "name",
  "drvPath",
  "outPath",
  "outputs",
  "outputNames",
  "drv",
  "drvAttrs",
  "hashModulo",
  "storeDir",
  "aterm",
  "toString",
  "pname",
  "version",
  "src",
  "meta",
  "passthru",
  "attrs",
  "stdenv",
  "overrideAttrs",
  "override",
  "overrideArgs",
]);

/** Checks that a `passthru` key does not hide one of the package's own members. */
export function checkPassthruKey(packageName: string, key: string): void {
  if (RESERVED_PACKAGE_KEYS.has(key)) {
    throw new PackageAttributeError(`package '${packageName}': passthru.${key} would hide the package's own '${key}'; choose another name`);
  }
}
