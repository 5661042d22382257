/**
 * Where builds get their temporary directories: under
 * `<stateDir>/builds/<boot id>_<pid>_<start time>/`, one directory per Kiln
 * process. A process killed with -9 cannot remove its build directories
 * (Nix, killed so, leaves them behind too); naming the owner lets the next
 * run or `kiln gc` tell a dead process's directories from a live one's and
 * remove only those.
 *
 * A finished build's directory that holds nothing but files is emptied and
 * kept, renamed, for the process's next build: on a journalled file system
 * making a directory and removing it again costs far more (a millisecond or
 * more) than the trivial build it serves, while a rename costs microseconds.
 */
import { uniqueNamePart } from "./unique-name.js";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { deletePathRecursively, deletePathRecursivelyInBackground } from "./canonicalise.js";
import { currentLockOwner, isLockOwnerAlive } from "./path-locks.js";

/** This process's directory of build directories. */
function processBuildsDir(stateDir: string): string {
  // ':' would break builders that put the build directory into a PATH-like variable.
  return join(stateDir, "builds", currentLockOwner().replaceAll(":", "_"));
}

/** The subdirectory of a build root that is the builder's working directory. */
export const BUILD_DIR_NAME = "build";

/** The directories a build root may hold and still be kept for another build: the build directory, and the sandbox's store and `/etc`. */
const REUSABLE_DIRS: ReadonlySet<string> = new Set([BUILD_DIR_NAME, "store", "etc"]);

/** Emptied build roots of finished builds, by the directory they are in, ready for this process's next build. */
const idleRoots = new Map<string, string[]>();

/**
 * Makes a build root (mode 0700) for a build of `name`, holding an empty
 * build directory (`build`, mode 0700) and possibly the empty `store` and
 * `etc` of an earlier sandboxed build. Each call gives another path.
 */
export function makeBuildRoot(stateDir: string, name: string): string {
  const parent = processBuildsDir(stateDir);
  const prefix = join(parent, `${name.slice(0, 40)}-`);
  const idle = idleRoots.get(parent)?.pop();
  if (idle !== undefined) {
    const root = `${prefix}${uniqueNamePart()}`;
    try {
      renameSync(idle, root);
      return root;
    } catch {
      removeBuildRootInBackground(idle);
    }
  }
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  const root = mkdtempSync(prefix);
  mkdirSync(join(root, BUILD_DIR_NAME), { mode: 0o700 });
  return root;
}

/**
 * Empties a finished build's root for another build, if that takes no more
 * than unlinking files: it holds only the build directory and the sandbox's
 * store and `/etc`, as real directories (a builder may have put symlinks in
 * their place), the root and the build directory still mode 0700, and no
 * directory below them. Returns whether it did.
 */
function emptyForReuse(root: string): boolean {
  try {
    if ((lstatSync(root).mode & 0o7777) !== 0o700) return false;
    const dirs = readdirSync(root, { withFileTypes: true });
    if (!dirs.some((entry) => entry.name === BUILD_DIR_NAME)) return false;
    if (!dirs.every((entry) => entry.isDirectory() && REUSABLE_DIRS.has(entry.name))) return false;
    if ((lstatSync(join(root, BUILD_DIR_NAME)).mode & 0o7777) !== 0o700) return false;
    const files: string[] = [];
    for (const dir of dirs) {
      for (const entry of readdirSync(join(root, dir.name), { withFileTypes: true })) {
        if (entry.isDirectory()) return false;
        files.push(join(root, dir.name, entry.name));
      }
    }
    // Unlinking never follows a symlink: what a link points at is untouched.
    for (const file of files) unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Done with a finished build's root (every process of the build has been
 * stopped): it is emptied and kept for the next build if that is cheap,
 * else removed in the background (see {@link removeBuildRootInBackground}).
 */
export function releaseBuildRoot(root: string): void {
  const parent = join(root, "..");
  if (!emptyForReuse(root)) {
    removeBuildRootInBackground(root);
    return;
  }
  const idle = idleRoots.get(parent);
  if (idle === undefined) idleRoots.set(parent, [root]);
  else idle.push(root);
}

/** Build directories still being removed in the background. */
const removals = new Set<Promise<void>>();

/**
 * Starts removing a finished build's directory in the background. Removing
 * even an empty directory can take a millisecond or more (the file system's
 * journal), and a large one (a compiler's object files) far longer, so the
 * build is not held up by it: {@link buildRootsRemoved} waits for it. A
 * directory that cannot be removed stays for a later run to remove, as a
 * killed process's do.
 */
export function removeBuildRootInBackground(root: string): void {
  const removal: Promise<void> = deletePathRecursivelyInBackground(root)
    .catch(() => {})
    .finally(() => removals.delete(removal));
  removals.add(removal);
}

/**
 * Removes the build roots kept for reuse, and resolves once every build
 * directory whose removal was started has been removed.
 */
export async function buildRootsRemoved(): Promise<void> {
  for (const [parent, idle] of idleRoots) {
    idleRoots.delete(parent);
    for (const root of idle) removeBuildRootInBackground(root);
  }
  while (removals.size > 0) await Promise.all([...removals]);
}

/** Removes the build directories of Kiln processes that have ended. Returns how many processes' directories went. */
export function removeDeadBuildDirectories(stateDir: string): number {
  const builds = join(stateDir, "builds");
  let entries: string[];
  try {
    entries = readdirSync(builds);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    const owner = entry.replaceAll("_", ":");
    // Only names made by makeBuildRoot: boot id, pid and start time.
    if (owner.split(":").length !== 3 || isLockOwnerAlive(owner)) continue;
    deletePathRecursively(join(builds, entry));
    removed++;
  }
  return removed;
}
