/**
 * `writeShellApplication`: a bash program at `$out/bin/${name}` that runs
 * with `errexit`, `nounset` and `pipefail`, finds its `runtimeInputs` on
 * PATH (so they are in its closure), and is checked with `bash -n` when
 * built. nixpkgs also runs ShellCheck; Kiln cannot download it, so only the
 * syntax is checked unless you add a `checkPhase` of your own.
 */
import type { DerivationAttrValue } from "@kiln/formats";
import { PackageAttributeError } from "../errors.js";
import type { Meta } from "../meta.js";
import type { InputValue, MkDerivationAttrs, NoPassthru, Package } from "../stdenv/package.js";
import type { BuilderStdenvs } from "./builder-stdenvs.js";
import { shellSyntaxCheck } from "./write-shell-script.js";
import { writeTextFileOf } from "./write-text-file.js";

/** Arguments of `writeShellApplication` (`pkgs.writeShellApplication`). */
export interface WriteShellApplicationArgs<Passthru extends object = NoPassthru> {
  /** The program's name (`$out/bin/${name}`). */
  readonly name: string;
  /** The script, without `#!` line. */
  readonly text: string;
  /** Packages whose `bin` goes first on the program's PATH. */
  readonly runtimeInputs?: readonly InputValue[];
  /** Environment variables the program exports before running `text`. */
  readonly runtimeEnv?: Readonly<Record<string, DerivationAttrValue>>;
  /** Keep the caller's PATH after the runtime inputs (default `true`). */
  readonly inheritPath?: boolean;
  /** bash options set first (default `errexit`, `nounset`, `pipefail`). */
  readonly bashOptions?: readonly string[];
  /** Replaces the `bash -n` check; the script is `$target`. */
  readonly checkPhase?: string;
  /** `meta` of the package (`mainProgram` defaults to `name`). */
  readonly meta?: Meta;
  /** `passthru` of the package. */
  readonly passthru?: Passthru;
  /** Further attributes of the derivation. */
  readonly derivationArgs?: Omit<MkDerivationAttrs<Passthru>, "name">;
}

/** The signature of `writeShellApplication`. */
export type WriteShellApplication = <Passthru extends object = NoPassthru>(args: WriteShellApplicationArgs<Passthru>) => Package<Passthru>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes `value` for bash. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** The script's text: `#!`, options, environment, PATH, then `text`. */
function applicationText(shell: string, args: WriteShellApplicationArgs<object>): string {
  const lines = [`#!${shell}`];
  for (const option of args.bashOptions ?? ["errexit", "nounset", "pipefail"]) lines.push(`set -o ${option}`);
  lines.push("");
  for (const [name, value] of Object.entries(args.runtimeEnv ?? {})) {
    if (!NAME.test(name)) throw new PackageAttributeError(`writeShellApplication '${args.name}': runtimeEnv name '${name}' is not a shell variable name`);
    lines.push(`export ${name}=${shellQuote(`${value as string}`)}`);
  }
  const inputs = (args.runtimeInputs ?? []).filter((input) => input !== null && input !== false && input !== undefined);
  if (inputs.length > 0) {
    const bins = inputs.map((input) => `${String(input)}/bin`).join(":");
    lines.push(args.inheritPath === false ? `export PATH=${shellQuote(bins)}` : `export PATH=${shellQuote(bins)}"\${PATH:+:}\${PATH-}"`);
  }
  lines.push("", args.text, "");
  return lines.join("\n");
}

/** `writeShellApplication({ name, text, runtimeInputs })`. */
export function writeShellApplicationOf(stdenvs: BuilderStdenvs): WriteShellApplication {
  const writeTextFile = writeTextFileOf(stdenvs);
  return <Passthru extends object = NoPassthru>(args: WriteShellApplicationArgs<Passthru>): Package<Passthru> => {
    const { shell, shellDryRun } = stdenvs.stdenvNoCC;
    return writeTextFile<Passthru>({
      name: args.name,
      text: applicationText(shell, args),
      executable: true,
      destination: `/bin/${args.name}`,
      checkPhase: args.checkPhase ?? shellSyntaxCheck(shellDryRun, args.name),
      meta: { mainProgram: args.name, ...args.meta },
      ...(args.passthru !== undefined ? { passthru: args.passthru } : {}),
      ...(args.derivationArgs !== undefined ? { derivationArgs: args.derivationArgs } : {}),
    });
  };
}
