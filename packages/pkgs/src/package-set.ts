/**
 * Package sets as lazy fixpoints: `makePkgs({ overlays, config })` and
 * `pkgs.extend(overlay)`, with nixpkgs' overlay semantics: each overlay is
 * `(final, prev) => ({ … })`, where `final` is the finished set (with every
 * overlay applied) and `prev` the set before this overlay.
 *
 * Laziness is what makes a package set usable: nothing is evaluated until
 * it is read (see `fixpoint.ts`). An overlay runs the first time a lookup
 * reaches it, and a package defined by a getter
 * (`get hello() { return final.callPackage(…) }`) is evaluated the first
 * time it is read, then kept; so a package whose getter throws costs nothing
 * until it is used, as in Nix. Plain values in an overlay's object are
 * evaluated when the overlay runs, as JavaScript does: define packages with
 * getters. An overlay may read `final.x` while it runs as long as it does
 * not define `x` itself (that is reported as a `FixpointError`).
 */
import { fetchFromGitHub, fetchFromGitLab, fetchgit, fetchpatch, fetchurl, fetchzip, type Derivation } from "@kiln/formats";
import { callPackageWith, type CallPackage } from "./call-package.js";
import type { PkgsConfig } from "./config.js";
import { LayeredFixpoint, type FixpointLayer } from "./fixpoint.js";
import { licenses } from "./licenses.js";
import { getExe } from "./meta.js";
import { platforms } from "./platforms.js";
import type { DebianPackageSetOperations } from "@kiln/debian";
import { seedPackage } from "./stdenv/debian-toolchain.js";
import type { HostToolchain } from "./stdenv/host-tools.js";
import type { Package } from "./stdenv/package.js";
import { makeStdenv, type Stdenv, type StdenvOptions } from "./stdenv/stdenv.js";
import type { BuilderStdenvs } from "./trivial-builders/builder-stdenvs.js";
import { makeWrapperOf } from "./trivial-builders/make-wrapper.js";
import { trivialBuilders, type TrivialBuilders } from "./trivial-builders/trivial-builders.js";

/** nixpkgs' `lib`, the part Kiln has. */
export interface PkgsLib {
  readonly licenses: typeof licenses;
  readonly platforms: typeof platforms;
  /** {@link getExe}: a package's main program. */
  readonly getExe: typeof getExe;
}

/** What every package set has; overlays add packages (see {@link Overlay}). */
export interface PackageSet extends TrivialBuilders {
  /** The configuration given to `makePkgs`. */
  readonly config: PkgsConfig;
  /** The Nix system name the packages are built for. */
  readonly system: string;
  /** The set itself (the final one), as nixpkgs' `pkgs.pkgs`. */
  readonly pkgs: this;
  /** The standard environment: the locked Debian toolchain, gcc among it, seen as `/usr` by every build (or the host's, given `hostTools`/`hostPath`). */
  readonly stdenv: Stdenv;
  /** The standard environment without a C compiler (the Debian seed's basic tools, no gcc; the host's given `hostTools`/`hostPath`), which the trivial builders use. */
  readonly stdenvNoCC: Stdenv;
  /** The standard environment of the host's tools (`/usr/bin`, `/bin`): impure. */
  readonly stdenvHost: Stdenv;
  /** {@link PackageSet.stdenvHost} without a C compiler: impure. */
  readonly stdenvHostNoCC: Stdenv;
  /**
   * A Debian package for `buildInputs`: from the set's Debian input
   * (`makePkgs({ debian })`), else one of the few the shipped seed has
   * (`ed`, `libncurses-dev`), which the set's own packages use.
   */
  debianPackage(name: string): Derivation<"out">;
  /** Calls a package function with this set (see `callPackage.ts`). */
  readonly callPackage: CallPackage<this>;
  /** This set with one more overlay; what the overlay returns is typed on the result (and on `final`). */
  extend<Added extends object>(overlay: (final: this & Added, prev: this) => Added): this & Added;
  /** The `makeWrapper` setup hook (put it in `nativeBuildInputs`). */
  readonly makeWrapper: Package;
  /** Licenses for `meta.license`. */
  readonly licenses: typeof licenses;
  /** System lists for `meta.platforms`. */
  readonly platforms: typeof platforms;
  /** The few `lib` functions Kiln has. */
  readonly lib: PkgsLib;
  /** `fetchurl` of `@kiln/core`, in the set as in nixpkgs. */
  readonly fetchurl: typeof fetchurl;
  /** `fetchzip` of `@kiln/core`, in the set as in nixpkgs. */
  readonly fetchzip: typeof fetchzip;
  /** `fetchFromGitHub` of `@kiln/core`, in the set as in nixpkgs. */
  readonly fetchFromGitHub: typeof fetchFromGitHub;
  /** `fetchFromGitLab` of `@kiln/core`, in the set as in nixpkgs. */
  readonly fetchFromGitLab: typeof fetchFromGitLab;
  /** `fetchgit` of `@kiln/core`, in the set as in nixpkgs. */
  readonly fetchgit: typeof fetchgit;
  /** `fetchpatch` of `@kiln/core`, in the set as in nixpkgs. */
  readonly fetchpatch: typeof fetchpatch;
  /** Whatever overlays add. */
  readonly [name: string]: unknown;
}

/**
 * An overlay: `(final, prev) => ({ … })`. Give `Final` your set's type
 * (an interface extending {@link PackageSet}) to have `final.myPackage` typed.
 */
export type Overlay<Final extends object = PackageSet> = (final: Final, prev: Final) => object;

/** Options of {@link makePkgs}. */
export interface MakePkgsOptions<Final extends object = PackageSet> {
  /** Overlays, applied in order. */
  readonly overlays?: readonly Overlay<Final>[];
  /** The configuration (unfree, broken, `doCheckByDefault`…). */
  readonly config?: PkgsConfig;
  /** The Nix system name; default this machine's. */
  readonly system?: string;
  /** Host tools to record in the host stdenvs instead of asking the host; given, `stdenv` is the host's too. */
  readonly hostTools?: HostToolchain;
  /** Where the host stdenvs find the host's tools (default `/usr/bin:/bin`); given, `stdenv` is the host's too. */
  readonly hostPath?: string;
  /** Where `stdenv`'s tools come from: `"debian"` (the default) or `"host"` (impure; implied by `hostTools` or `hostPath`). */
  readonly toolchain?: "debian" | "host";
  /**
   * The Debian input `stdenv`'s toolchain comes from, as a flake's nixpkgs
   * input follows the project's: `makePkgs({ debian: await debian({ suite: "bookworm" }) })`.
   * Default: the input `@kiln/pkgs` ships, locked in its `kiln.lock`.
   */
  readonly debian?: DebianPackageSetOperations;
}

/** The base layer: stdenvs, callPackage, trivial builders, fetchers, licenses. */
function baseLayer(options: MakePkgsOptions<object>): (final: object) => object {
  return (finalSet) => {
    const final = finalSet as PackageSet;
    const config = options.config ?? {};
    const stdenvs: BuilderStdenvs = {
      get stdenv() {
        return final.stdenv;
      },
      get stdenvNoCC() {
        return final.stdenvNoCC;
      },
    };
    const stdenvOptions: StdenvOptions = {
      config,
      ...(options.system !== undefined ? { system: options.system } : {}),
      ...(options.hostTools !== undefined ? { hostTools: options.hostTools } : {}),
      ...(options.hostPath !== undefined ? { hostPath: options.hostPath } : {}),
    };
    const host = options.toolchain === "host" || (options.toolchain === undefined && (options.hostTools !== undefined || options.hostPath !== undefined));
    return {
      config,
      get system() {
        return final.stdenv.system;
      },
      get pkgs() {
        return final;
      },
      get stdenv() {
        if (host) return final.stdenvHost;
        return makeStdenv({ ...stdenvOptions, withCC: true, toolchain: "debian", ...(options.debian !== undefined ? { debian: options.debian } : {}) });
      },
      get stdenvNoCC() {
        if (host) return makeStdenv({ ...stdenvOptions, withCC: false, toolchain: "host" });
        return makeStdenv({ ...stdenvOptions, withCC: false, toolchain: "debian", ...(options.debian !== undefined ? { debian: options.debian } : {}) });
      },
      get stdenvHost() {
        return makeStdenv({ ...stdenvOptions, withCC: true, toolchain: "host" });
      },
      get stdenvHostNoCC() {
        return makeStdenv({ ...stdenvOptions, withCC: false, toolchain: "host" });
      },
      debianPackage: (name: string) => seedPackage(name, options.debian),
      callPackage: <Args extends object, Result>(fn: (args: Args) => Result, overrides?: Partial<Args>) => callPackageWith(final, fn, overrides),
      extend: (overlay: Overlay<object>) => makePkgs({ ...options, overlays: [...(options.overlays ?? []), overlay] }),
      ...trivialBuilders(stdenvs),
      get makeWrapper() {
        return makeWrapperOf(stdenvs);
      },
      licenses,
      platforms,
      lib: { licenses, platforms, getExe },
      fetchurl,
      fetchzip,
      fetchFromGitHub,
      fetchFromGitLab,
      fetchgit,
      fetchpatch,
    };
  };
}

/**
 * Makes a package set: the base (stdenvs, builders, fetchers) with
 * `overlays` applied in order, evaluated lazily.
 *
 * @example
 * const pkgs = makePkgs({
 *   overlays: [(final, prev) => ({ get greeter() { return final.callPackage(greeterPackage); } })],
 * });
 * pkgs.greeter; // only now is greeter (and what it uses) evaluated
 */
export function makePkgs<Final extends object = PackageSet>(options: MakePkgsOptions<Final> = {}): Final {
  const layers: FixpointLayer[] = [
    { apply: baseLayer(options as MakePkgsOptions<object>), label: "the base package set" },
    ...(options.overlays ?? []).map((overlay, index) => ({ apply: overlay as FixpointLayer["apply"], label: `overlay ${index + 1}` })),
  ];
  return new LayeredFixpoint(layers, {
    finalName: "final",
    prototype: Object.prototype,
    gettersOnFinal: false,
    readOnlyMessage: "a package set is read-only: add or change packages with an overlay (pkgs.extend)",
  }).final as Final;
}
