/**
 * Writing a small text file (a `.drv` or a `toFile` source) straight to its
 * final store path, canonical from the start: read-only (0444) and
 * modification time 1, as {@link canonicalisePathMetadata} would leave it.
 *
 * Nix's `addTextToStore` does the same: under the path's lock it deletes
 * whatever is at the path (an unregistered leftover), writes the file in
 * place, canonicalises it and registers it. Here the lock is the store
 * database's write transaction, which the caller holds: no other Kiln
 * process writes or registers a path meanwhile, and a kill at any point
 * leaves at most an unregistered file, which is garbage the next addition
 * (or `kiln gc`) removes. A temporary name and a rename would only add a
 * second directory operation per file (and a chmod and a utimes by name).
 */
import { closeSync, constants, fchmodSync, futimesSync, openSync, writeFileSync } from "node:fs";
import { deletePathRecursively } from "./canonicalise.js";

const CREATE_EXCLUSIVELY = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

/**
 * Creates `path` holding `text`, read-only with mtime 1. What is already at
 * `path` must be unregistered (the caller checked, inside its write
 * transaction): it is deleted first.
 */
export function writeCanonicalTextFile(path: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(path, CREATE_EXCLUSIVELY, 0o444);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    deletePathRecursively(path);
    fd = openSync(path, CREATE_EXCLUSIVELY, 0o444);
  }
  try {
    writeFileSync(fd, text);
    // The creation mode passed through the umask: 0444 exactly, whatever it is.
    fchmodSync(fd, 0o444);
    futimesSync(fd, 1, 1);
  } finally {
    closeSync(fd);
  }
}
