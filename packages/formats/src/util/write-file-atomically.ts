/**
 * Writing a file so that readers see the old content or the new, never a mix
 * or a truncated file, and so that a crash (or `kill -9`) right after the
 * write cannot lose it: the temporary is flushed to disk before it is renamed
 * over the old file, and the directory after, as careful Unix tools (and
 * Nix's `writeFile(..., sync)`) do.
 */
import { chmodSync, chownSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** The temporary name Kiln writes `path` under in process `pid` before renaming it into place. */
export function temporaryPathFor(path: string, pid = process.pid): string {
  return join(dirname(path), `.${basename(path)}.kiln-tmp-${pid}`);
}

/**
 * Makes `link` a symlink to `target` by renaming a new symlink over it, so
 * that there is always a link (the old one or the new), as `ln -sfn` does
 * not guarantee.
 */
export function replaceSymlinkAtomically(link: string, target: string): void {
  const temporary = temporaryPathFor(link);
  rmSync(temporary, { force: true });
  symlinkSync(target, temporary);
  renameSync(temporary, link);
}

/** Flushes a directory's entries (a rename in it) to disk; some file systems cannot, which is harmless. */
export function syncDirectory(directory: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(directory, "r");
    fsyncSync(descriptor);
  } catch {
    // A directory that cannot be opened or synced (some network file systems) keeps the rename as the kernel has it.
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/**
 * Writes `text` to a temporary file beside `path` with `mode`, flushes it,
 * then renames it over `path`. Run as root, the new file keeps the owner of
 * the file it replaces (so `/etc/shadow` stays readable by group `shadow`),
 * unless `owner` is given. The temporary is never readable beyond `mode`.
 */
export function writeFileAtomically(path: string, text: string | Uint8Array, mode = 0o644, owner?: { readonly uid: number; readonly gid: number }): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryPathFor(path);
  let ids = owner;
  if (ids === undefined && process.getuid?.() === 0) {
    try {
      const stats = statSync(path);
      ids = { uid: stats.uid, gid: stats.gid };
    } catch {
      ids = undefined;
    }
  }
  try {
    const descriptor = openSync(temporary, "w", mode);
    try {
      // writeFileSync on a descriptor writes it all; writeSync may write part.
      writeFileSync(descriptor, text);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    if (ids !== undefined) chownSync(temporary, ids.uid, ids.gid);
    // The mode given to open is masked by the umask; set it exactly (after chown, which clears set-id bits).
    chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectory(dirname(path));
}
