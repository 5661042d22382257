/**
 * `@kiln/pkgs`: nixpkgs' way of declaring packages, for Kiln.
 *
 * - `stdenv.mkDerivation({ pname, version, src, patches, buildInputs, … })`
 *   with nixpkgs' phases and hooks, run by Kiln's own setup script with a
 *   locked Debian toolchain that builds see as their `/usr` (`stdenvHost`
 *   uses the host's tools instead: see docs/pkgs.md);
 * - `overrideAttrs`, `finalAttrs`, `callPackage` and `override`;
 * - package sets with overlays (`makePkgs`, `pkgs.extend`), evaluated lazily;
 * - trivial builders (`runCommand`, `writeText`, `writeShellApplication`,
 *   `symlinkJoin`, `buildEnv`, `makeWrapper`…), `licenses`, `platforms`.
 *
 * @packageDocumentation
 * @module @kiln/pkgs
 */
import { defaultBuilderStdenvs } from "./trivial-builders/builder-stdenvs.js";
import { trivialBuilders } from "./trivial-builders/trivial-builders.js";

export { FixpointError, PackageAttributeError, PackageMetaError } from "./errors.js";
export { licenses, licenseBySpdxId, type License, type LicenseName } from "./licenses.js";
export { platforms } from "./platforms.js";
export type { PkgsConfig, UnfreePackageInfo } from "./config.js";
export { checkMeta, getExe, metaLicenses, type ExecutablePackage, type Meta, type MetaCheckContext } from "./meta.js";

export {
  BASIC_HOST_TOOLS,
  COMPILER_HOST_TOOLS,
  DEFAULT_HOST_PATH,
  hostToolsFingerprint,
  missingHostTools,
  probeHostTools,
  type HostTool,
  type HostToolchain,
  type HostToolSpec,
} from "./stdenv/host-tools.js";
export { Stdenv, makeStdenv, stdenv, stdenvHost, stdenvHostNoCC, stdenvNoCC, type StdenvOptions } from "./stdenv/stdenv.js";
export { SEED_LOCK_FILE, SEED_PACKAGES, STDENV_COMPILER_PACKAGES, STDENV_TOOL_PACKAGES, debianSeed, resolveSeed, seedPackage, stdenvPackageNames, type DebianSeed, type SeedPackage, type SeedPackageClosure } from "./stdenv/debian-toolchain.js";
export { isPackage, makeMkDerivation } from "./stdenv/make-derivation.js";
export { fixAttrs, type AttrsLayer } from "./stdenv/attrs-fixpoint.js";
export {
  RESERVED_PACKAGE_KEYS,
  type AttrsUpdate,
  type FinalAttrs,
  type InputValue,
  type MkDerivation,
  type MkDerivationAttrs,
  type NoPassthru,
  type Package,
  type PackageMembers,
  type StdenvLike,
} from "./stdenv/package.js";

export { callPackageWith, type ArgsUpdate, type CallPackage, type Overridable, type WithOverride } from "./call-package.js";
export { makePkgs, type MakePkgsOptions, type Overlay, type PackageSet, type PkgsLib } from "./package-set.js";

export { defaultBuilderStdenvs, type BuilderStdenvs } from "./trivial-builders/builder-stdenvs.js";
export { trivialBuilders, type TrivialBuilders } from "./trivial-builders/trivial-builders.js";
export { runCommandWith, type RunCommand, type RunCommandEnv, type RunCommandWithOptions } from "./trivial-builders/run-command.js";
export type { WriteText, WriteTextFile, WriteTextFileArgs } from "./trivial-builders/write-text-file.js";
export type { WriteShellApplication, WriteShellApplicationArgs } from "./trivial-builders/write-shell-application.js";
export type { SymlinkJoin, SymlinkJoinArgs } from "./trivial-builders/symlink-join.js";
export type { BuildEnv, BuildEnvArgs } from "./trivial-builders/build-env.js";
export type { MakeSetupHook, MakeSetupHookArgs } from "./trivial-builders/make-setup-hook.js";
export { makeWrapperOf } from "./trivial-builders/make-wrapper.js";

const builders = trivialBuilders(defaultBuilderStdenvs);

/** `runCommand(name, env, script)`: a package made by a shell script, without a C compiler. */
export const runCommand = builders.runCommand;
/** `runCommandCC(name, env, script)`: the same with the host's C compiler. */
export const runCommandCC = builders.runCommandCC;
/** `runCommandLocal(name, env, script)`: `runCommand` for cheap builds, never substituted. */
export const runCommandLocal = builders.runCommandLocal;
/** `writeTextFile({ name, text, executable, destination, checkPhase })`. */
export const writeTextFile = builders.writeTextFile;
/** `writeText(name, text)`: a text file in the store. */
export const writeText = builders.writeText;
/** `writeScript(name, text)`: an executable file. */
export const writeScript = builders.writeScript;
/** `writeScriptBin(name, text)`: an executable at `$out/bin/${name}`. */
export const writeScriptBin = builders.writeScriptBin;
/** `writeShellScript(name, text)`: a bash script, checked with `bash -n`. */
export const writeShellScript = builders.writeShellScript;
/** `writeShellScriptBin(name, text)`: a bash script at `$out/bin/${name}`. */
export const writeShellScriptBin = builders.writeShellScriptBin;
/** `writeShellApplication({ name, text, runtimeInputs })`: a strict bash program with its dependencies on PATH. */
export const writeShellApplication = builders.writeShellApplication;
/** `symlinkJoin({ name, paths })`: one tree of symlinks to several packages (first wins). */
export const symlinkJoin = builders.symlinkJoin;
/** `buildEnv({ name, paths, pathsToLink })`: like `symlinkJoin`, but collisions are errors. */
export const buildEnv = builders.buildEnv;
/** `makeSetupHook({ name, substitutions }, script)`: a package that is a setup hook. */
export const makeSetupHook = builders.makeSetupHook;

/**
 * `callPackage(fn, overrides)` with the default package set (`makePkgs()`,
 * one per store directory): `fn` receives the set, `overrides` over it.
 */
export { callPackage, defaultPackageSet, type DefaultPackageSet } from "./default-package-set.js";

/**
 * Packages built from real upstream sources (GNU hello, gzip, diffutils,
 * patch, sed), as `callPackage`-style functions, and the overlay adding them
 * (the default package set has it): `makePkgs({ overlays: [packagesOverlay] })`.
 */
export { bc, bzip2, diffutils, findutils, gdbm, gnugrep, gnum4, gnupatch, gnused, gperf, gzip, hello, less, lua5_4, units, xz, packagesOverlay, type RealPackages } from "./packages/index.js";
