/**
 * How a CLI command is declared: its name, help text, options and the
 * function that runs it. Declarations are data, so `kiln help` and the
 * generated CLI reference read the same source.
 */

/** One option of a command. */
export interface OptionSpec {
  /** Long name without dashes, e.g. `store-dir`. */
  readonly name: string;
  /** One-letter alias, e.g. `j`. */
  readonly short?: string;
  /** `boolean` options are flags; `string` options take a value. */
  readonly type: "boolean" | "string";
  /** Placeholder for the value in help, e.g. `DIR`. */
  readonly value?: string;
  /** One line of help. */
  readonly description: string;
  /** May be given several times (collects values). */
  readonly multiple?: boolean;
}

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

/** Options every command accepts. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: "store-dir", type: "string", value: "DIR", description: "The store directory (default: $KILN_STORE_DIR, else ~/.local/share/kiln/store); its database and logs are in $KILN_STATE_DIR, else <parent of DIR>/var/kiln" },
  { name: "show-trace", type: "boolean", description: "On error, also print Kiln's own stack trace" },
  { name: "eval-timeout", type: "string", value: "SECONDS", description: "Stop evaluating a config after this long, naming the line it was on (default: no limit)" },
  { name: "eval-memory", type: "string", value: "MIB", description: "Stop evaluating a config once it has used this much memory (default: 80% of Node's heap limit)" },
  { name: "help", short: "h", type: "boolean", description: "Show help for the command" },
];
