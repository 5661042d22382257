/**
 * Whether something is at a path, without following a final symlink (as
 * Python's `os.path.lexists`): a dangling symlink exists. Store checks need
 * this, since a store path may be a symlink to nowhere.
 */
import { lstatSync } from "node:fs";

/** Whether `path` names anything, a dangling symlink included. */
export function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
