/**
 * Garbage collection: deleting every store path that no root needs.
 *
 * Roots are the `result` links made by `kiln build` (registered in the
 * database and still pointing into the store), profile generations under
 * `<stateDir>/profiles`, the temporary roots of running Kiln processes and
 * the outputs they are building. Everything in the closure of a root is
 * live, and so (like Nix's `keep-derivations`) is the `.drv` a live path was
 * built from. The rest is made invalid in one transaction first and deleted
 * after, so an interrupted collection leaves only unregistered leftovers,
 * which the next one removes.
 *
 * Only paths inside this store's directory are ever considered: a database
 * made by an older Kiln may also list another store's paths and roots, and
 * those are left alone. A dry run, and listing the roots, change nothing.
 * On a full disk the collector first frees what needs no database write
 * (the space reserve, dead builds' directories, unregistered leftovers),
 * as Nix does with `gc-reserved-space`.
 */
import { lstatSync, readdirSync, readlinkSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { STORE_PATH_HASH_LENGTH } from "@kiln/formats";
import { deletePathRecursively } from "./canonicalise.js";
import { cleanUpAfterDeadProcesses, removeDeadProcessFiles } from "./dead-process-cleanup.js";
import { ensureGcReserve, releaseGcReserve } from "./gc-reserve.js";
import type { LocalStore } from "./local-store.js";
import { isLockOwnerAlive } from "./path-locks.js";

/** Options of {@link collectGarbage}. */
export interface GarbageCollectOptions {
  /** Only report what would be deleted; change nothing. */
  readonly dryRun?: boolean;
}

/** What a collection found and did. */
export interface GarbageCollectResult {
  /** The store path each root points at, by root (link path). */
  readonly roots: ReadonlyMap<string, string>;
  /** Store paths deleted (or, with `dryRun`, that would be). */
  readonly deleted: readonly string[];
  /** Their total NAR size in bytes. */
  readonly freedBytes: number;
  /** Valid paths kept. */
  readonly live: number;
}

/** One root and what it keeps alive. */
export interface GcRoot {
  /** The link (a `result` link or profile generation), or `{temp:PID}` / `{building:PID}` for a running Kiln process. */
  readonly root: string;
  /** The store paths it points at. */
  readonly targets: readonly string[];
  /** How many valid paths its closure holds. */
  readonly closurePaths: number;
  /** Their total NAR size in bytes. */
  readonly closureBytes: number;
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
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    return;
  }
  for (const entry of entries) {
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

/**
 * The registered roots whose link still points into this store, and the
 * registered links that are gone (no longer there, or no longer a
 * symlink), which a collection forgets. A link that now points somewhere
 * else, such as into another store, is neither: its row stays, as does
 * the row of a link registered for another store's path.
 */
function registeredRoots(store: LocalStore): { roots: Map<string, string>; gone: string[] } {
  const roots = new Map<string, string>();
  const gone: string[] = [];
  for (const { link, target: registered } of store.database.roots()) {
    let target: string;
    try {
      target = readlinkSync(link);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A row registered for another store's path (an older Kiln's shared database) is that store's to forget.
      if ((code === "ENOENT" || code === "EINVAL" || code === "ENOTDIR") && inStore(store, registered)) gone.push(link);
      continue;
    }
    const path = storePathOf(resolve(dirname(link), target), store.storeDir);
    if (path !== undefined) roots.set(link, path);
  }
  return { roots, gone };
}

/** Finds the link roots (registered `result` links and profile generations) and where they point. Changes nothing. */
export function findRoots(store: LocalStore): Map<string, string> {
  const { roots } = registeredRoots(store);
  profileRoots(join(store.stateDir, "profiles"), store.storeDir, roots);
  return roots;
}

/** Store paths that running Kiln processes hold (temporary roots) or are building, by `{temp:PID}` / `{building:PID}`. */
function processRoots(store: LocalStore): Map<string, string[]> {
  const roots = new Map<string, string[]>();
  const add = (key: string, path: string): void => {
    const list = roots.get(key);
    if (list === undefined) roots.set(key, [path]);
    else list.push(path);
  };
  const pidOf = (owner: string): string => owner.split(":")[1] ?? "?";
  for (const { path, owner } of store.database.tempRoots()) if (isLockOwnerAlive(owner)) add(`{temp:${pidOf(owner)}}`, path);
  for (const { path, owner } of store.locks.lockedPathOwners()) add(`{building:${pidOf(owner)}}`, path);
  return roots;
}

/** Whether `path` is a path of this store (an old shared database may list another's). */
function inStore(store: LocalStore, path: string): boolean {
  return path.startsWith(`${store.storeDir}/`);
}

/** What is live: the closures of `start`, plus the `.drv` files live paths were built from and their closures. */
function liveClosure(store: LocalStore, start: Iterable<string>): Set<string> {
  const live = store.closure(start);
  for (const path of [...live]) {
    for (const deriver of store.database.derivers(path)) for (const kept of store.closure([deriver])) live.add(kept);
    const deriver = store.pathInfo(path)?.deriver;
    if (deriver !== undefined && store.isValid(deriver)) for (const kept of store.closure([deriver])) live.add(kept);
  }
  return live;
}

function narBytes(store: LocalStore, paths: Iterable<string>): number {
  let total = 0;
  for (const path of paths) total += store.pathInfo(path)?.narSize ?? 0;
  return total;
}

/** Every root (links, generations, running processes) with what it keeps alive. Changes nothing. */
export function listRoots(store: LocalStore): GcRoot[] {
  const entries: [string, string[]][] = [...findRoots(store)].map(([link, target]) => [link, [target]]);
  entries.push(...processRoots(store));
  return entries.map(([root, targets]) => {
    const closure = [...liveClosure(store, targets)].filter((path) => store.isValid(path));
    return { root, targets, closurePaths: closure.length, closureBytes: narBytes(store, closure) };
  });
}

/** Deletes (or, with `dryRun`, lists) every store path no root needs. */
export function collectGarbage(store: LocalStore, options: GarbageCollectOptions = {}): GarbageCollectResult {
  const dryRun = options.dryRun === true;
  if (!dryRun) {
    // Files first: they need no database write, which a full disk would refuse.
    releaseGcReserve(store.stateDir);
    removeDeadProcessFiles(store);
    removeLeftovers(store);
    cleanUpAfterDeadProcesses(store);
  }
  const roots = findRoots(store);
  const start = new Set(roots.values());
  for (const paths of processRoots(store).values()) for (const path of paths) start.add(path);
  const live = liveClosure(store, start);
  const dead = store.database.allValidPaths().filter((path) => inStore(store, path) && !live.has(path));
  const freedBytes = narBytes(store, dead);
  if (!dryRun) {
    store.database.invalidatePaths(dead);
    for (const path of dead) deletePathRecursively(path);
    for (const link of registeredRoots(store).gone) store.database.removeRoot(link);
    ensureGcReserve(store.stateDir);
  }
  return { roots, deleted: dead, freedBytes, live: live.size };
}

/**
 * Deletes unregistered leftovers of interrupted builds and additions, unless a live process is making them: one
 * building it (its lock), or one writing it (a temporary root, which `kiln build` holds for its `.drv` files while it
 * writes them in place, before its transaction registers them).
 */
function removeLeftovers(store: LocalStore): void {
  const inUse = new Set(store.locks.lockedPaths());
  for (const paths of processRoots(store).values()) for (const path of paths) inUse.add(path);
  for (const path of store.invalidEntries()) if (!inUse.has(path) && !isFreshTemporary(path)) deletePathRecursively(path);
}
