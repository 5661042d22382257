/**
 * `mkRenamedOptionModule from to`: the old option path keeps working,
 * forwards its definitions (with their priority) to the new one, and warns
 * "The option `old' defined in `file' has been renamed to `new'." when a
 * `warnings` option is declared. Reading the old path gives the new
 * option's value and reports "Obsolete option `old' is used. It was renamed
 * to `new'." (nixpkgs traces it).
 */
import { reportWarning } from "@kiln/formats";
import { showOption } from "../options/show-option.js";
import { doRename } from "./do-rename.js";

/** A module renaming option `from` to `to` (paths as lists of names). */
export function mkRenamedOptionModule(from: readonly string[], to: readonly string[]): object {
  return doRename({ from, to, visible: false, warn: true, use: () => reportWarning(`Obsolete option \`${showOption(from)}' is used. It was renamed to \`${showOption(to)}'.`) });
}
