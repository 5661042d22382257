/**
 * Canonicalising a path's metadata after it enters the store, as Nix does:
 * read-only (0444, or 0555 when executable, directories 0555), no setuid,
 * setgid or sticky bits, and modification time 1 (one second past the
 * epoch), so that nothing about a store path depends on when it was built.
 * A file with more than one link may be a hard link to a file outside
 * (`ln /etc/x $out/x`): it is replaced by a copy first, as Nix does, so the
 * outside file keeps its mode and time.
 */
import { chmodSync, constants, copyFileSync, lstatSync, lutimesSync, readdirSync, renameSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

/** Makes `path` and everything under it read-only with mtime 1. */
export function canonicalisePathMetadata(path: string): void {
  const stats = lstatSync(path);
  if (stats.isDirectory()) {
    for (const entry of readdirSync(path)) canonicalisePathMetadata(join(path, entry));
    chmodSync(path, 0o555);
  } else if (!stats.isSymbolicLink()) {
    if (stats.nlink > 1) breakHardLink(path);
    chmodSync(path, stats.mode & 0o100 ? 0o555 : 0o444);
  }
  lutimesSync(path, 1, 1);
}

/** Replaces a hard-linked file by a copy of its own, leaving the other links' inode untouched. */
function breakHardLink(path: string): void {
  const copy = `${path}.kiln-copy-${randomBytes(4).toString("hex")}`;
  copyFileSync(path, copy, constants.COPYFILE_EXCL);
  renameSync(copy, path);
}

/** Makes a read-only tree writable again so that it can be deleted or replaced. */
function makeWritable(path: string): void {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return;
  }
  if (stats.isSymbolicLink()) return;
  if (stats.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) makeWritable(join(path, entry));
  }
}

/** Deletes a (possibly read-only) store path, if it exists. */
export function deletePathRecursively(path: string): void {
  try {
    // Most trees (build directories) are writable: try the cheap way first.
    rmSync(path, { recursive: true, force: true });
  } catch {
    makeWritable(path);
    rmSync(path, { recursive: true, force: true });
  }
}

/**
 * As {@link deletePathRecursively}, in the background: a build directory's
 * removal then does not hold up the builds the main thread is starting.
 */
export async function deletePathRecursivelyInBackground(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch {
    deletePathRecursively(path);
  }
}
