/**
 * The standard environment: the setup script, the host tools it builds
 * with, and `mkDerivation`.
 *
 * As in nixpkgs, the stdenv is itself a derivation (`stdenv-host`), whose
 * output holds `setup` (setup.sh after a preamble) and every package names
 * it in its `stdenv` attribute, so everything the stdenv depends on is part
 * of every package's hash. Here that includes the host tools' versions (see
 * `host-tools.ts`): another host compiler, another stdenv, other store
 * paths. `stdenvNoCC` fingerprints only the basic tools, so a compiler
 * upgrade does not change what does not compile (text files, scripts,
 * symlink trees).
 *
 * A `Stdenv` is not bound to a store directory: its derivation is made for
 * the current one when first needed there (the CLI and tests set it before
 * building).
 */
import { currentSystem, derivation, getStoreDir, reportWarning, type Derivation } from "@kiln/core";
import type { PkgsConfig } from "../config.js";
import { shippedFile } from "../shipped-files.js";
import { BASIC_HOST_TOOLS, COMPILER_HOST_TOOLS, DEFAULT_HOST_PATH, hostToolsFingerprint, missingHostTools, probeHostTools, type HostToolchain, type HostToolSpec } from "./host-tools.js";
import { makeMkDerivation, type MkDerivation } from "./make-derivation.js";

/** Options of {@link makeStdenv}. */
export interface StdenvOptions {
  /** The Nix system name; default: this machine's. */
  readonly system?: string;
  /** The package set's configuration (unfree, broken, `doCheckByDefault`…). */
  readonly config?: PkgsConfig;
  /** Whether builds get a C compiler; `false` makes `stdenvNoCC`. Default `true`. */
  readonly withCC?: boolean;
  /** Where the host's tools are; default `/usr/bin:/bin`. */
  readonly hostPath?: string;
  /** The host tools to record instead of asking the host (to pin them, or in tests). */
  readonly hostTools?: HostToolchain;
}

/** A standard environment: `stdenv.mkDerivation`, and the derivation every package depends on. */
export class Stdenv {
  /** Marks a stdenv for code that receives unknown values. */
  readonly type = "stdenv" as const;
  /** The Nix system name builds are for. */
  readonly system: string;
  /** The package set's configuration. */
  readonly config: PkgsConfig;
  /** Whether builds get a C compiler (`false` for `stdenvNoCC`). */
  readonly hasCC: boolean;
  /** Where builds find the host's tools (after their dependencies' `bin`). */
  readonly hostPath: string;
  /** The shell builders and scripts run with: the host's bash. */
  readonly shell = "/bin/bash";
  /** How trivial builders check scripts for syntax errors. */
  readonly shellDryRun = "/bin/bash -n -O extglob";
  /** Makes a package with this stdenv (see {@link MkDerivation}). */
  readonly mkDerivation: MkDerivation;

  private readonly givenHostTools: HostToolchain | undefined;
  private readonly derivations = new Map<string, Derivation>();
  private warned = false;

  constructor(options: StdenvOptions = {}) {
    this.system = options.system ?? currentSystem();
    this.config = options.config ?? {};
    this.hasCC = options.withCC ?? true;
    this.hostPath = options.hostPath ?? DEFAULT_HOST_PATH;
    this.givenHostTools = options.hostTools;
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
    const given = this.givenHostTools;
    if (given === undefined) return probeHostTools(this.hostToolSpecs, this.hostPath);
    const names = new Set(this.hostToolSpecs.map((spec) => spec.name));
    return { ...given, tools: given.tools.filter((tool) => names.has(tool.name)) };
  }

  /** The stdenv derivation for the current store directory. */
  get derivation(): Derivation {
    const storeDir = getStoreDir();
    let made = this.derivations.get(storeDir);
    if (made === undefined) {
      made = this.makeDerivation();
      this.derivations.set(storeDir, made);
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

  private makeDerivation(): Derivation {
    const toolchain = this.hostTools;
    const missing = missingHostTools(toolchain, this.hostToolSpecs);
    if (missing.length > 0 && !this.warned) {
      this.warned = true;
      reportWarning(`stdenv: host tools not found on ${toolchain.searchPath}: ${missing.join(", ")}; builds that need them will fail (on Debian: apt-get install build-essential)`);
    }
    return derivation({
      name: this.hasCC ? "stdenv-host" : "stdenv-host-nocc",
      system: this.system,
      builder: this.shell,
      args: ["-e", shippedFile("stdenv/stdenv-builder.sh")],
      setupScript: shippedFile("stdenv/setup.sh"),
      hostPath: this.hostPath,
      shell: this.shell,
      hostTools: hostToolsFingerprint(toolchain),
    });
  }
}

/** Makes a stdenv (see {@link StdenvOptions}). */
export function makeStdenv(options: StdenvOptions = {}): Stdenv {
  return new Stdenv(options);
}

/** The default stdenv: the host's C compiler and tools, this machine's system, an empty config. */
export const stdenv: Stdenv = makeStdenv();

/** The default stdenv without a C compiler, for builds that only copy and write files. */
export const stdenvNoCC: Stdenv = makeStdenv({ withCC: false });
