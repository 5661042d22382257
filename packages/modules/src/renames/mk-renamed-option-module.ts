/**
 * `mkRenamedOptionModule from to`: the old option path keeps working,
 * forwards its definitions (with their priority) to the new one, and warns
 * "The option `old' defined in `file' has been renamed to `new'."
 */
import { doRename } from "./do-rename.js";

/** A module renaming option `from` to `to` (paths as lists of names). */
export function mkRenamedOptionModule(from: readonly string[], to: readonly string[]): object {
  return doRename({ from, to, visible: false, warn: true });
}
