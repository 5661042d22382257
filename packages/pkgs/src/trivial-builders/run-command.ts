/**
 * `runCommand`: a package made by one shell script, as in nixpkgs. The
 * script (`buildCommand`, passed as a file so it can be long) runs after the
 * stdenv's setup, so its helpers and the inputs' PATH are available; no
 * phase runs.
 */
import type { MkDerivationAttrs, NoPassthru, Package, StdenvLike } from "../stdenv/package.js";
import type { BuilderStdenvs } from "./builder-stdenvs.js";

/** The environment of {@link runCommand}: any `mkDerivation` attributes but `name` and `buildCommand`. */
export type RunCommandEnv<Passthru extends object = NoPassthru> = Omit<MkDerivationAttrs<Passthru>, "name" | "buildCommand">;

/** Options of {@link runCommandWith}. */
export interface RunCommandWithOptions<Passthru extends object = NoPassthru> {
  /** The package's name. */
  readonly name: string;
  /** The stdenv to run with. */
  readonly stdenv: StdenvLike;
  /** Further attributes (inputs, environment variables, `passthru`, `meta`). */
  readonly derivationArgs?: RunCommandEnv<Passthru>;
}

/** Runs `buildCommand` with the given stdenv; `$out` is what it makes. */
export function runCommandWith<Passthru extends object = NoPassthru>(options: RunCommandWithOptions<Passthru>, buildCommand: string): Package<Passthru> {
  const args = options.derivationArgs ?? {};
  const passAsFile = (args.passAsFile as readonly string[] | undefined) ?? [];
  return options.stdenv.mkDerivation<Passthru>({
    enableParallelBuilding: true,
    ...args,
    name: options.name,
    buildCommand,
    passAsFile: ["buildCommand", ...passAsFile],
  });
}

/** The signature of `runCommand`, `runCommandCC` and `runCommandLocal`: a name, attributes, and the script. */
export type RunCommand = <Passthru extends object = NoPassthru>(name: string, env: RunCommandEnv<Passthru>, buildCommand: string) => Package<Passthru>;

/** `runCommand(name, env, script)` without a C compiler (nixpkgs' `runCommand`, which uses `stdenvNoCC`). */
export function runCommandOf(stdenvs: BuilderStdenvs): RunCommand {
  return <Passthru extends object = NoPassthru>(name: string, env: RunCommandEnv<Passthru>, buildCommand: string): Package<Passthru> =>
    runCommandWith({ name, stdenv: stdenvs.stdenvNoCC, derivationArgs: env }, buildCommand);
}

/** `runCommandCC(name, env, script)`: the same with the C compiler. */
export function runCommandCCOf(stdenvs: BuilderStdenvs): RunCommand {
  return <Passthru extends object = NoPassthru>(name: string, env: RunCommandEnv<Passthru>, buildCommand: string): Package<Passthru> =>
    runCommandWith({ name, stdenv: stdenvs.stdenv, derivationArgs: env }, buildCommand);
}

/** `runCommandLocal(name, env, script)`: `runCommand` for cheap builds, never substituted. */
export function runCommandLocalOf(stdenvs: BuilderStdenvs): RunCommand {
  return <Passthru extends object = NoPassthru>(name: string, env: RunCommandEnv<Passthru>, buildCommand: string): Package<Passthru> =>
    runCommandWith({ name, stdenv: stdenvs.stdenvNoCC, derivationArgs: { preferLocalBuild: true, allowSubstitutes: false, ...env } }, buildCommand);
}
