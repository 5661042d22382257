/**
 * Copying a build's output to a fresh tree before it is hashed and
 * registered, as Nix does since CVE-2024-27297: a file descriptor the builder
 * kept or handed to another process then points at the builder's file, not
 * at the registered one, and files hard-linked to host files are never
 * touched (their copies are). The walk never follows a symlink: entries are
 * examined with `lstat`, files opened with `O_NOFOLLOW` and created with
 * `O_EXCL` (which never follows one either), so a symlink the builder
 * planted anywhere is copied as a symlink and nothing outside is read,
 * written or chmod'ed. The copy is canonical as it is made (modes 0444/0555,
 * no setuid bits, mtime 1). An unsandboxed build's output is made canonical
 * where it is instead (see `canonicaliseOutputInPlace`), unless it is fixed-output
 * or holds a multiply-linked file: its builder runs as the store's owner and
 * could change the store with or without a kept descriptor, so a copy buys
 * nothing there but a file created per file.
 */
import { chmodSync, closeSync, constants, fchmodSync, fstatSync, futimesSync, lstatSync, lutimesSync, mkdirSync, openSync, readdirSync, readlinkSync, readSync, symlinkSync, writeSync, type Stats } from "node:fs";
import { join } from "node:path";
import { KilnError } from "@kiln/formats";

/** An output holding something a store path cannot (a fifo, socket or device), or that cannot be read. */
export class OutputCopyError extends KilnError {
  override name = "OutputCopyError";

  constructor(
    message: string,
    /** The offending path inside the output as the builder made it. */
    readonly path: string,
  ) {
    super(message);
  }
}

const COPY_CHUNK = 1 << 20;
/** One buffer for every copy (they are synchronous): allocating a megabyte per file costs more than copying a small one. */
let copyBuffer: Buffer | undefined;

/** Copies the tree at `from` (not following symlinks) to the new path `to`, canonical and read-only. */
export function copyOutputTree(from: string, to: string): void {
  const stats = lstatSync(from);
  if (stats.isSymbolicLink()) {
    symlinkSync(readlinkSync(from), to);
  } else if (stats.isDirectory()) {
    mkdirSync(to, { mode: 0o700 });
    for (const entry of readDirectory(from, stats)) copyOutputTree(join(from, entry), join(to, entry));
    chmodSync(to, 0o555);
  } else if (stats.isFile()) {
    // Its times were set through its descriptor.
    copyFile(from, to, stats);
    return;
  } else {
    throw new OutputCopyError(`'${from}' is ${kindOf(stats)}; only regular files, directories and symlinks can be in a store path`, from);
  }
  lutimesSync(to, 1, 1);
}

/**
 * Makes the tree an unsandboxed builder left at `path` canonical where it is
 * (modes 0444/0555, mtime 1), when that is as safe as a copy: nothing in it is
 * a file with another name elsewhere (a hard link to a host file, whose mode
 * would change) and every directory is readable. Returns `false`, having
 * changed nothing, when it is not: the caller copies the tree instead. An
 * unsandboxed builder runs as the user who owns the store, so a copy would not
 * keep a process of its from the registered files either; the copy is what a
 * sandboxed or fixed-output build needs (see the file's comment).
 */
export function canonicaliseOutputInPlace(path: string): boolean {
  const nodes: { path: string; stats: Stats }[] = [];
  try {
    if (!collectOwnTree(path, nodes)) return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EACCES") return false;
    throw error;
  }
  // Entries first, then their directory, as the copy makes them.
  for (const node of nodes) {
    if (node.stats.isDirectory()) chmodSync(node.path, 0o555);
    else if (node.stats.isFile()) chmodSync(node.path, node.stats.mode & 0o100 ? 0o555 : 0o444);
    lutimesSync(node.path, 1, 1);
  }
  return true;
}

/** Every entry under `path`, directories after their contents; `false` at the first multiply-linked file. */
function collectOwnTree(path: string, nodes: { path: string; stats: Stats }[]): boolean {
  const stats = lstatSync(path);
  if (stats.isDirectory()) {
    for (const entry of readdirSync(path)) if (!collectOwnTree(join(path, entry), nodes)) return false;
  } else if (stats.isFile()) {
    if (stats.nlink !== 1) return false;
  } else if (!stats.isSymbolicLink()) {
    throw new OutputCopyError(`'${path}' is ${kindOf(stats)}; only regular files, directories and symlinks can be in a store path`, path);
  }
  nodes.push({ path, stats });
  return true;
}

/** The entries of a builder's directory; one it made unreadable (mode 0500 without r, say) is made readable first. */
function readDirectory(path: string, stats: Stats): string[] {
  try {
    return readdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EACCES") throw error;
    // A directory cannot be a hard link to a host directory: chmod touches only the builder's own.
    chmodSync(path, (stats.mode & 0o777) | 0o700);
    return readdirSync(path);
  }
}

/** Copies one regular file through descriptors: the source opened without following a symlink, the target created exclusively. */
function copyFile(from: string, to: string, stats: Stats): void {
  const source = openSource(from, stats);
  try {
    const opened = fstatSync(source);
    // Replaced between lstat and open: refuse rather than copy something else.
    if (opened.ino !== stats.ino || opened.dev !== stats.dev || !opened.isFile()) throw new OutputCopyError(`'${from}' changed while it was being copied`, from);
    const target = openSync(to, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      const buffer = (copyBuffer ??= Buffer.allocUnsafe(COPY_CHUNK));
      let read: number;
      while ((read = readSync(source, buffer, 0, buffer.length, null)) > 0) {
        let written = 0;
        while (written < read) written += writeSync(target, buffer, written, read - written);
      }
      fchmodSync(target, stats.mode & 0o100 ? 0o555 : 0o444);
      futimesSync(target, 1, 1);
    } finally {
      closeSync(target);
    }
  } finally {
    closeSync(source);
  }
}

/** Opens a builder's file for reading; one it left unreadable is made readable if it is its own (a single link). */
function openSource(path: string, stats: Stats): number {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW;
  try {
    return openSync(path, flags);
  } catch (error) {
    // A file with more links may be a host file hard-linked into the output: never change its mode.
    if ((error as NodeJS.ErrnoException).code !== "EACCES" || stats.nlink !== 1) {
      throw new OutputCopyError(`cannot read '${path}' of the output: ${(error as Error).message}`, path);
    }
    chmodSync(path, (stats.mode & 0o777) | 0o400);
    return openSync(path, flags);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return "a fifo";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "of an unknown file type";
}
