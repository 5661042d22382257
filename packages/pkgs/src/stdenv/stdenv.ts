/**
 * The standard environment: the setup script, the tools it builds with, and
 * `mkDerivation`.
 *
 * As in nixpkgs, the stdenv is itself a derivation, whose output holds
 * `setup` (setup.sh after a preamble) and every package names it in its
 * `stdenv` attribute, so everything the stdenv depends on is part of every
 * package's hash. Its tools come from one of two places:
 *
 * - Debian (`stdenv`, the default; `stdenv-debian`): the locked closure of
 *   `build-essential` and the basic tools (see `debian-toolchain.ts`),
 *   which every build of the stdenv sees as its `/usr`, `/lib` and `/bin`
 *   and nothing of the host's (the `kilnBuildRoot` attribute, see core's
 *   `build-root.ts`). The store paths are the same on every Linux host.
 * - The host (`stdenvHost`; `stdenv-host`): `/usr/bin` and `/bin`, visible
 *   read-only in the sandbox. The tools' versions go into the stdenv (see
 *   `host-tools.ts`): another host compiler, another stdenv, other store
 *   paths. Impure: a build can use any host library it finds.
 *
 * The `NoCC` variants leave out the compiler, so a compiler change does not
 * change what does not compile (text files, scripts, symlink trees). The
 * default `stdenvNoCC`, which the trivial builders use, is on the Debian
 * seed too (its tools without the compiler: bash, coreutils, sed, grep,
 * tar…), so a text file, a script or a machine's `/etc` has the same store
 * path on every host and its build cannot see the host's `/usr`. Its root is
 * unpacked once per store; `stdenvHostNoCC` is the impure host variant.
 *
 * A `Stdenv` is not bound to a store directory: its derivation is made for
 * the current one when first needed there (the CLI and tests set it before
 * building).
 */
import { HOST_TOOL_SANDBOX_PATHS, IMPURE_HOST_PATHS_ATTRIBUTE } from "@kiln/store";
import { currentSystem, derivation, getStoreDir, reportWarning, type Derivation } from "@kiln/formats";
import type { DebianPackageSetOperations } from "@kiln/debian";
import type { PkgsConfig } from "../config.js";
import { shippedFile } from "../shipped-files.js";
import { BASIC_HOST_TOOLS, COMPILER_HOST_TOOLS, DEFAULT_HOST_PATH, hostToolsFingerprint, missingHostTools, probeHostTools, type HostToolchain, type HostToolSpec } from "./host-tools.js";
import { makeMkDerivation } from "./make-derivation.js";
import type { MkDerivation, StdenvLike } from "./package.js";
import { buildRootWith, toolchainListing, toolchainRoot } from "./debian-toolchain.js";

/** Options of {@link makeStdenv}. */
export interface StdenvOptions {
  /** The Nix system name; default: this machine's. */
  readonly system?: string;
  /** The package set's configuration (unfree, broken, `doCheckByDefault`…). */
  readonly config?: PkgsConfig;
  /** Whether builds get a C compiler; `false` makes `stdenvNoCC`. Default `true`. */
  readonly withCC?: boolean;
  /**
   * Where the tools come from: `"debian"` (the default), the locked Debian
   * toolchain, seen as `/usr` in the sandbox; `"host"`, the host's `/usr/bin`
   * and `/bin` (impure). Giving `hostPath` or `hostTools` means `"host"`.
   */
  readonly toolchain?: "debian" | "host";
  /**
   * The Debian input the toolchain comes from, as a flake input follows
   * the project's (`const deb = await debian({ suite: "bookworm" })`);
   * default: the input `@kiln/pkgs` ships (its `kiln.lock`).
   */
  readonly debian?: DebianPackageSetOperations;
  /** With the host toolchain: where the host's tools are; default `/usr/bin:/bin`. */
  readonly hostPath?: string;
  /** With the host toolchain: the host tools to record instead of asking the host (to pin them, or in tests). */
  readonly hostTools?: HostToolchain;
}

/** What a stdenv keeps to itself: what it was given, and what it made, per store directory. */
interface StdenvState {
  readonly givenHostTools: HostToolchain | undefined;
  readonly debianInput: DebianPackageSetOperations | undefined;
  readonly derivations: Map<string, Derivation>;
  readonly roots: Map<string, Derivation<"out">>;
  warned: boolean;
}

/**
 * The state of each stdenv, kept here rather than in private members: a
 * class with private members is only assignable from its own instances, and
 * without them `Stdenv` is exactly `StdenvLike`, so a package's stdenv
 * (typed `StdenvLike`) goes wherever a `Stdenv` is asked for.
 */
const states = new WeakMap<Stdenv, StdenvState>();

function stateOf(stdenv: Stdenv): StdenvState {
  const state = states.get(stdenv);
  if (state === undefined) throw new TypeError("a Stdenv member was read on an object makeStdenv did not make (a copy of a stdenv?): pass the stdenv itself");
  return state;
}

/** A standard environment: `stdenv.mkDerivation`, and the derivation every package depends on. */
export class Stdenv implements StdenvLike {
  /** Marks a stdenv for code that receives unknown values. */
  readonly type = "stdenv" as const;
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
  readonly shell: string = "/bin/bash";
  /** How trivial builders check scripts for syntax errors. */
  readonly shellDryRun: string = "/bin/bash -n -O extglob";
  /** Makes a package with this stdenv (see {@link MkDerivation}). */
  readonly mkDerivation: MkDerivation;

  constructor(options: StdenvOptions = {}) {
    this.system = options.system ?? currentSystem();
    this.config = options.config ?? {};
    this.hasCC = options.withCC ?? true;
    this.hostPath = options.hostPath ?? DEFAULT_HOST_PATH;
    this.toolchain = options.toolchain ?? (options.hostPath !== undefined || options.hostTools !== undefined ? "host" : "debian");
    states.set(this, { givenHostTools: options.hostTools, debianInput: options.debian, derivations: new Map(), roots: new Map(), warned: false });
    this.mkDerivation = makeMkDerivation(this);
  }

  /** Whether builds run on Linux. */
  get isLinux(): boolean {
    return this.system.endsWith("-linux");
  }

  /** Whether builds run on macOS. */
  get isDarwin(): boolean {
    return this.system.endsWith("-darwin");
  }

  /** The tools this stdenv fingerprints. */
  get hostToolSpecs(): readonly HostToolSpec[] {
    return this.hasCC ? [...BASIC_HOST_TOOLS, ...COMPILER_HOST_TOOLS] : BASIC_HOST_TOOLS;
  }

  /** The host tools and their versions (asked once per process), limited to {@link Stdenv.hostToolSpecs}. */
  get hostTools(): HostToolchain {
    const given = stateOf(this).givenHostTools;
    if (given === undefined) return probeHostTools(this.hostToolSpecs, this.hostPath);
    const names = new Set(this.hostToolSpecs.map((spec) => spec.name));
    return { ...given, tools: given.tools.filter((tool) => names.has(tool.name)) };
  }

  /**
   * The Debian toolchain's merged tree (an FHS environment) for the current
   * store directory, or `undefined` for the host toolchain.
   */
  get toolchainRoot(): Derivation<"out"> | undefined {
    if (this.toolchain === "host") return undefined;
    const state = stateOf(this);
    const storeDir = getStoreDir();
    let made = state.roots.get(storeDir);
    if (made === undefined) {
      made = toolchainRoot(this.hasCC, state.debianInput);
      state.roots.set(storeDir, made);
    }
    return made;
  }

  /**
   * What builds see as `/usr`, `/lib`, `/bin` (the `kilnBuildRoot` every
   * package of this stdenv carries), or `undefined` for the host toolchain.
   */
  get buildRoot(): string | undefined {
    const root = this.toolchainRoot;
    return root === undefined ? undefined : `${root.outPath}/root`;
  }

  /**
   * The build root of a package with `inputs`: {@link Stdenv.buildRoot}, with
   * the closures of the Debian packages among them merged in (their headers,
   * libraries and pkg-config files where Debian puts them); `undefined` for
   * the host toolchain.
   */
  buildRootFor(inputs: readonly unknown[]): string | undefined {
    const toolchain = this.toolchainRoot;
    return toolchain === undefined ? undefined : `${buildRootWith(this.hasCC, toolchain, inputs).outPath}/root`;
  }

  /**
   * For the host toolchain, the attribute with which its builds ask the
   * sandbox for the host's `/usr`, `/bin`, `/lib` (core's
   * `kilnImpureHostPaths`, which the local realiser allows for these paths
   * by default); nothing for the Debian one.
   */
  get impureHostPaths(): { kilnImpureHostPaths?: string } {
    return this.toolchain === "host" ? { [IMPURE_HOST_PATHS_ATTRIBUTE]: HOST_TOOL_SANDBOX_PATHS.join(" ") } : {};
  }

  /** The stdenv derivation for the current store directory. */
  get derivation(): Derivation {
    const state = stateOf(this);
    const storeDir = getStoreDir();
    let made = state.derivations.get(storeDir);
    if (made === undefined) {
      made = stdenvDerivation(this, state);
      state.derivations.set(storeDir, made);
    }
    return made;
  }

  /** The stdenv's output path, so that `${stdenv}` and `stdenv: stdenv` name it. */
  get outPath(): string {
    return this.derivation.outPath;
  }

  /** The stdenv's output path. */
  toString(): string {
    return this.outPath;
  }
}

/** Makes the derivation of `stdenv` for the current store directory. */
function stdenvDerivation(stdenv: Stdenv, state: StdenvState): Derivation {
  const attributes = (name: string, hostTools: string) => ({
    name: stdenv.hasCC ? name : `${name}-nocc`,
    system: stdenv.system,
    builder: stdenv.shell,
    args: ["-e", shippedFile("stdenv/stdenv-builder.sh")],
    setupScript: shippedFile("stdenv/setup.sh"),
    hostPath: stdenv.hostPath,
    shell: stdenv.shell,
    hostTools,
  });
  const buildRoot = stdenv.buildRoot;
  if (buildRoot !== undefined) {
    return derivation({
      ...attributes("stdenv-debian", toolchainListing(stdenv.hasCC, state.debianInput)),
      ...(stdenv.hasCC ? { gccExecPrefix: "/usr/lib/gcc/" } : {}),
      kilnBuildRoot: buildRoot,
    });
  }
  const toolchain = stdenv.hostTools;
  const missing = missingHostTools(toolchain, stdenv.hostToolSpecs);
  if (missing.length > 0 && !state.warned) {
    state.warned = true;
    reportWarning(`stdenv: host tools not found on ${toolchain.searchPath}: ${missing.join(", ")}; builds that need them will fail (on Debian: apt-get install build-essential)`);
  }
  return derivation({ ...attributes("stdenv-host", hostToolsFingerprint(toolchain)), ...stdenv.impureHostPaths });
}

/** Makes a stdenv (see {@link StdenvOptions}). */
export function makeStdenv(options: StdenvOptions = {}): Stdenv {
  return new Stdenv(options);
}

/** The default stdenv: the locked Debian toolchain (gcc, make, coreutils…), this machine's system, an empty config. */
export const stdenv: Stdenv = makeStdenv();

/**
 * The default stdenv without a C compiler, for builds that only copy and
 * write files (the trivial builders'): the locked Debian seed's tools
 * without the compiler (bash, coreutils, findutils, sed, grep, gawk, tar,
 * gzip…), seen as the sandbox's `/usr` and `/bin`; the host's are
 * {@link stdenvHostNoCC}.
 */
export const stdenvNoCC: Stdenv = makeStdenv({ withCC: false });

/** The stdenv with the host's tools (`/usr/bin`, `/bin`): impure, a build sees the host's libraries and headers. */
export const stdenvHost: Stdenv = makeStdenv({ toolchain: "host" });

/** {@link stdenvHost} without a C compiler: impure, its builds see the host's `/usr` (the trivial builders' before they moved to the Debian seed). */
export const stdenvHostNoCC: Stdenv = makeStdenv({ toolchain: "host", withCC: false });
