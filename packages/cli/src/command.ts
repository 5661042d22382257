/**
 * How a CLI command is declared: its name, help text, options and the
 * function that runs it. Declarations are data, so `kiln help` and the
 * generated CLI reference read the same source. Kiln's own commands are
 * made with `defineCommand` (`settings/define-command.ts`), whose `run`
 * gets typed settings instead of the {@link ParsedArgs} here.
 */
import type { OptionSpec } from "./settings/option-spec.js";

export type { OptionSpec } from "./settings/option-spec.js";

/** Parsed command line of one command. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** The arguments after a {@link Command.restMarkers} token (e.g. `--`), untouched; `undefined` when none was given. */
  readonly rest?: readonly string[];
}

/** What a command writes to; tests and embedders can capture it. */
export interface CommandIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** A CLI command. */
export interface Command {
  readonly name: string;
  /** One line shown in `kiln help`. */
  readonly summary: string;
  /** Usage line after `kiln `, e.g. `instantiate FILE.ts[#attr] [--json]`. */
  readonly usage: string;
  /** Longer help. */
  readonly description?: string;
  readonly options: readonly OptionSpec[];
  /** Tokens after which every argument is passed on as {@link ParsedArgs.rest} instead of parsed, e.g. `--` for `kiln run`. */
  readonly restMarkers?: readonly string[];
  /** Runs the command; returns the exit code. */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}
