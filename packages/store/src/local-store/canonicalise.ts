/**
 * Canonicalising a path's metadata after it enters the store, as Nix does:
 * read-only (0444, or 0555 when executable, directories 0555), no setuid,
 * setgid or sticky bits, and modification time 1 (one second past the
 * epoch), so that nothing about a store path depends on when it was built.
 * A file with more links than names in the tree may be a hard link to a
 * file outside (`ln /etc/x $out/x`): it is replaced by a copy first, so the
 * outside file keeps its mode and time. Hard links among the tree's own
 * files (an unpacked archive's, such as the thirteen names of Mesa's DRI
 * driver in a `.deb`) are kept, as Nix keeps links within one build: they
 * are one file however many names it has, and a NAR records each name's
 * contents anyway.
 */
import { chmodSync, constants, copyFileSync, lstatSync, lutimesSync, readdirSync, renameSync, rmSync, type Stats } from "node:fs";
import { rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

/** Makes `path` and everything under it read-only with mtime 1. */
export function canonicalisePathMetadata(path: string): void {
  const nodes: { path: string; stats: Stats }[] = [];
  collect(path, nodes);
  // How many of each multiply-linked file's names are in the tree: when all are, no link reaches outside.
  const namesInTree = new Map<string, number>();
  const inodes = new Map<string, string>();
  for (const node of nodes) {
    if (!node.stats.isFile() || node.stats.nlink <= 1) continue;
    const { dev, ino } = lstatSync(node.path, { bigint: true });
    const inode = `${dev}:${ino}`;
    inodes.set(node.path, inode);
    namesInTree.set(inode, (namesInTree.get(inode) ?? 0) + 1);
  }
  for (const { path: nodePath, stats } of nodes) {
    if (stats.isDirectory()) chmodSync(nodePath, 0o555);
    else if (!stats.isSymbolicLink()) {
      const inode = inodes.get(nodePath);
      if (inode !== undefined && namesInTree.get(inode) !== stats.nlink) breakHardLink(nodePath);
      chmodSync(nodePath, stats.mode & 0o100 ? 0o555 : 0o444);
    }
    lutimesSync(nodePath, 1, 1);
  }
}

/** Every path under `path` with its stats, each directory after its contents (so that it is made read-only last). */
function collect(path: string, nodes: { path: string; stats: Stats }[]): void {
  const stats = lstatSync(path);
  if (stats.isDirectory()) for (const entry of readdirSync(path)) collect(join(path, entry), nodes);
  nodes.push({ path, stats });
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
