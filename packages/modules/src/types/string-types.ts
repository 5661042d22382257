/**
 * String types. `str` needs all definitions to be equal; `separatedString`
 * and its instances `lines` ("\n"), `commas` (",") and `envVar` (":") join
 * all definitions, in order (so `mkBefore`/`mkAfter` place text).
 */
import { mergeEqualOption } from "./merge-helpers.js";
import { mkOptionType, type OptionType } from "./option-type.js";

const isString = (value: unknown): value is string => typeof value === "string";

/** A string; definitions must be equal. */
export const str: OptionType<string> = mkOptionType<string>({ name: "str", description: "string", check: isString, merge: mergeEqualOption });

/** A string with at least one non-space character. */
export const nonEmptyStr: OptionType<string> = mkOptionType<string>({
  name: "nonEmptyStr",
  description: "non-empty string",
  check: (value) => isString(value) && value.trim() !== "",
  merge: mergeEqualOption,
});

/** A string without newlines, except possibly one at the end. */
export const singleLineStr: OptionType<string> = mkOptionType<string>({
  name: "singleLineStr",
  description: "(optionally newline-terminated) single-line string",
  check: (value) => isString(value) && !value.replace(/\n$/, "").includes("\n"),
  merge: mergeEqualOption,
});

/** A string matching `pattern` entirely (like Nix's `builtins.match`). */
export function strMatching(pattern: string | RegExp): OptionType<string> {
  const source = typeof pattern === "string" ? pattern : pattern.source;
  const whole = new RegExp(`^(?:${source})$`, typeof pattern === "string" ? "" : pattern.flags.replace("g", ""));
  return mkOptionType<string>({
    name: "strMatching",
    description: `string matching the pattern ${source}`,
    check: (value) => isString(value) && whole.test(value),
    merge: mergeEqualOption,
  });
}

/** Strings joined with `separator` when defined several times. */
export function separatedString(separator: string): OptionType<string> {
  return mkOptionType<string>({
    name: "separatedString",
    description: `strings concatenated with ${JSON.stringify(separator)}`,
    check: isString,
    merge: (_loc, definitions) => definitions.map((definition) => definition.value as string).join(separator),
  });
}

/** Lines joined with "\n". */
export const lines: OptionType<string> = separatedString("\n");
/** Strings joined with ",". */
export const commas: OptionType<string> = separatedString(",");
/** Strings joined with ":" (a `PATH`-like variable). */
export const envVar: OptionType<string> = separatedString(":");
