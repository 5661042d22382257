/**
 * One option of a command as help data: what `kiln help` and the generated
 * CLI reference print, and what the command-line parser needs to know.
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
