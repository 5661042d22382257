/**
 * Garbage collection: deleting every store path that no root needs.
 *
 * Roots are the `result` links made by `kiln build` (registered in the
 * database and still pointing into the store), profile generations under
 * `<stateDir>/profiles`, and the temporary roots of running Kiln processes.
 * Everything in the closure of a root is live, and so (like Nix's
 * `keep-derivations`) is the `.drv` a live path was built from. The rest is
 * made invalid in one transaction first and deleted after, so an interrupted
 * collection leaves only unregistered leftovers, which the next one removes.
 */
import { existsSync, lstatSync, readdirSync, readlinkSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { STORE_PATH_HASH_LENGTH } from "../store/store-path.js";
import { deletePathRecursively } from "./canonicalise.js";
import type { LocalStore } from "./local-store.js";
import { isLockOwnerAlive } from "./path-locks.js";

/** Options of {@link collectGarbage}. */
export interface GarbageCollectOptions {
  /** Only report what would be deleted. */
  readonly dryRun?: boolean;
}

/** What a collection found and did. */
export interface GarbageCollectResult {
  /** The store paths each root keeps alive, by root (link path or `temporary`). */
  readonly roots: ReadonlyMap<string, string>;
  /** Store paths deleted (or, with `dryRun`, that would be). */
  readonly deleted: readonly string[];
  /** Their total NAR size in bytes. */
  readonly freedBytes: number;
  /** Valid paths kept. */
  readonly live: number;
}

/** The store path `path` (a file inside one, or one itself) belongs to, if it is in `storeDir`. */
function storePathOf(path: string, storeDir: string): string | undefined {
  const prefix = `${storeDir}/`;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  const name = rest.split("/")[0] ?? "";
  return name.length > STORE_PATH_HASH_LENGTH + 1 ? prefix + name : undefined;
}

/** Symlinks under `directory` (recursively) that point into the store: profile generations. */
function profileRoots(directory: string, storeDir: string, into: Map<string, string>): void {
  if (!existsSync(directory)) return;
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    const stats = lstatSync(path);
    if (stats.isDirectory()) profileRoots(path, storeDir, into);
    else if (stats.isSymbolicLink()) {
      const target = storePathOf(resolve(dirname(path), readlinkSync(path)), storeDir);
      if (target !== undefined) into.set(path, target);
    }
  }
}

/** A temporary name made in the last hour may belong to an addition in progress. */
function isFreshTemporary(path: string): boolean {
  if (!path.slice(path.lastIndexOf("/") + 1).startsWith(".tmp-")) return false;
  try {
    return Date.now() - lstatSync(path).mtimeMs < 3_600_000;
  } catch {
    return false;
  }
}

/** Finds the roots; forgets registered roots whose link is gone or points elsewhere. */
export function findRoots(store: LocalStore): Map<string, string> {
  const roots = new Map<string, string>();
  for (const { link } of store.database.roots()) {
    let target: string | undefined;
    try {
      target = storePathOf(resolve(dirname(link), readlinkSync(link)), store.storeDir);
    } catch {
      target = undefined;
    }
    if (target === undefined) store.database.removeRoot(link);
    else roots.set(link, target);
  }
  profileRoots(join(store.stateDir, "profiles"), store.storeDir, roots);
  return roots;
}

/** Deletes (or lists) every store path no root needs. */
export function collectGarbage(store: LocalStore, options: GarbageCollectOptions = {}): GarbageCollectResult {
  const roots = findRoots(store);
  const start = new Set(roots.values());
  for (const { path, owner } of store.database.tempRoots()) {
    if (isLockOwnerAlive(owner)) start.add(path);
    else store.database.removeTempRoots(owner);
  }
  // Paths being built by a live process are live too.
  for (const path of store.locks.lockedPaths()) start.add(path);
  const live = store.closure(start);
  for (const path of [...live]) {
    for (const deriver of store.database.derivers(path)) for (const kept of store.closure([deriver])) live.add(kept);
    const deriver = store.pathInfo(path)?.deriver;
    if (deriver !== undefined && store.isValid(deriver)) for (const kept of store.closure([deriver])) live.add(kept);
  }
  const dead = store.database.allValidPaths().filter((path) => !live.has(path));
  const freedBytes = dead.reduce((total, path) => total + (store.pathInfo(path)?.narSize ?? 0), 0);
  if (options.dryRun !== true) {
    store.database.invalidatePaths(dead);
    for (const path of dead) deletePathRecursively(path);
    // Unregistered leftovers of interrupted builds and additions, unless a live process is making them.
    const locked = new Set(store.locks.lockedPaths());
    for (const path of store.invalidEntries()) if (!locked.has(path) && !isFreshTemporary(path)) deletePathRecursively(path);
  }
  return { roots, deleted: dead, freedBytes, live: live.size };
}
