/**
 * `mkAliasOptionModule from to`: a second, documented name for an option;
 * definitions of either count, and no warning is given.
 */
import { doRename } from "./do-rename.js";

/** A module making `from` an alias of `to`. */
export function mkAliasOptionModule(from: readonly string[], to: readonly string[]): object {
  return doRename({ from, to, visible: true, warn: false });
}
