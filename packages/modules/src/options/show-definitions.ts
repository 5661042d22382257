/**
 * `showDefs`: the "Definition values:" list of error messages, one
 * "- In `file': value" line per definition.
 */
import { prettyValue } from "./pretty-value.js";

/** A definition as shown in messages: where it came from and its value. */
export interface LocatedValue {
  /** The file (with line) of the module that made the definition. */
  readonly file: string;
  /** The value, after properties were resolved where that is cheap. */
  readonly value: unknown;
}

/** Renders definitions as NixOS does: `\n- In `file': value`, long values on indented lines. */
export function showDefinitions(definitions: readonly LocatedValue[]): string {
  return definitions
    .map((definition) => {
      const lines = prettyValue(definition.value);
      const shown = lines.slice(0, 5).concat(lines.length > 5 ? ["..."] : []);
      const rendered = lines.length === 0 ? "" : lines.length === 1 ? `: ${shown[0] ?? ""}` : `:\n    ${shown.join("\n    ")}`;
      return `\n- In \`${definition.file}'${rendered}`;
    })
    .join("");
}

/** NixOS's hint appended to conflict errors. */
export const PRIORITY_SUGGESTION = "Use `lib.mkForce value` or `lib.mkDefault value` to change the priority on any of these definitions.";
