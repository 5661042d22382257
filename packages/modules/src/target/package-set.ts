/**
 * The package set a machine is built with, as the machine modules see it.
 *
 * `@kiln/modules` may not depend on `@kiln/pkgs` (the package set is the
 * user's choice, and several releases can be mixed), so the set reaches the
 * modules as NixOS's `pkgs` does: a module argument, given in `specialArgs`
 * (`evalModules({ modules, specialArgs: { pkgs } })`, which `defineMachine`
 * does). This interface names, structurally, what the machine modules call:
 * the trivial builders, and packages by attribute name. `@kiln/pkgs`' sets
 * (`defaultPackageSet()`, `makePkgs()`, `pkgs.extend(…)`) satisfy it.
 */
import type { Derivation } from "@kiln/formats";
import { TargetConfigError } from "./target-config-error.js";
import type { PackageValue } from "../types/primitive-types.js";

/** Arguments of {@link MachinePackageSet.buildEnv} that the machine modules use. */
export interface MachineBuildEnvArgs {
  /** The package's name. */
  readonly name: string;
  /** The packages to put together. */
  readonly paths: readonly PackageValue[];
  /** The directories to link (`/bin`, `/share/man`…); default `/`, everything. */
  readonly pathsToLink?: readonly string[];
  /** Keep the first of two colliding files (with a warning) instead of failing. */
  readonly ignoreCollisions?: boolean;
  /** Shell code run after linking. */
  readonly postBuild?: string;
}

/** Arguments of {@link MachinePackageSet.symlinkJoin} that the machine modules use. */
export interface MachineSymlinkJoinArgs {
  /** The package's name. */
  readonly name: string;
  /** The packages to join, in order of precedence (the first one listed wins a collision). */
  readonly paths: readonly PackageValue[];
  /** Shell code run after linking. */
  readonly postBuild?: string;
}

/**
 * What the machine modules need of `pkgs`: nixpkgs' trivial builders by
 * their names, the system, and packages looked up by name
 * (`mkMachinePackageOption`), hence the index signature.
 */
export interface MachinePackageSet {
  /** The Nix system name the packages are built for, e.g. `x86_64-linux`. */
  readonly system: string;
  /** `writeText(name, text)`: a text file in the store. */
  writeText(name: string, text: string): Derivation;
  /** `writeShellScript(name, text)`: an executable bash script, checked with `bash -n`. */
  writeShellScript(name: string, text: string): Derivation;
  /** `writeShellScriptBin(name, text)`: the same at `$out/bin/${name}`. */
  writeShellScriptBin(name: string, text: string): Derivation;
  /** `runCommand(name, env, script)`: a package made by a shell script; `env` becomes its environment. */
  runCommand(name: string, env: Readonly<Record<string, unknown>>, buildCommand: string): Derivation;
  /** `buildEnv({ name, paths, ignoreCollisions })`: a tree of symlinks to several packages. */
  buildEnv(args: MachineBuildEnvArgs): Derivation;
  /** `symlinkJoin({ name, paths, postBuild })`: the same, where the first package listed wins. */
  symlinkJoin(args: MachineSymlinkJoinArgs): Derivation;
  /** Packages, and whatever else the set has. */
  readonly [attribute: string]: unknown;
}

const BUILDERS = ["writeText", "writeShellScript", "writeShellScriptBin", "runCommand", "buildEnv", "symlinkJoin"] as const;

/**
 * The `pkgs` module argument (`args.pkgs`), checked: the machine modules fail with this
 * message rather than with "undefined is not a function" when an
 * evaluation was started without a package set.
 */
export function machinePackageSet(pkgs: unknown): MachinePackageSet {
  if (typeof pkgs !== "object" || pkgs === null) {
    throw new TargetConfigError(
      "the machine modules need a package set as the module argument `pkgs': use defineMachine({ pkgs, modules }), or evalModules({ modules, specialArgs: { pkgs } }) with pkgs from @kiln/pkgs (defaultPackageSet()) or a set of your own",
    );
  }
  const missing = BUILDERS.filter((name) => typeof (pkgs as Record<string, unknown>)[name] !== "function");
  if (missing.length > 0) {
    throw new TargetConfigError(`the package set given to the machine as \`pkgs' lacks the builders ${missing.map((name) => `\`${name}'`).join(", ")}; use a set made by @kiln/pkgs (makePkgs, defaultPackageSet) or add them to yours`);
  }
  return pkgs as MachinePackageSet;
}
