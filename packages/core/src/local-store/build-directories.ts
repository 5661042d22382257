/**
 * Where builds get their temporary directories: under
 * `<stateDir>/builds/<boot id>_<pid>_<start time>/`, one directory per Kiln
 * process. A process killed with -9 cannot remove its build directories
 * (Nix, killed so, leaves them behind too); naming the owner lets the next
 * run or `kiln gc` tell a dead process's directories from a live one's and
 * remove only those.
 */
import { mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { deletePathRecursively, deletePathRecursivelyInBackground } from "./canonicalise.js";
import { currentLockOwner, isLockOwnerAlive } from "./path-locks.js";

/** This process's directory of build directories. */
function processBuildsDir(stateDir: string): string {
  // ':' would break builders that put the build directory into a PATH-like variable.
  return join(stateDir, "builds", currentLockOwner().replaceAll(":", "_"));
}

/** Makes a fresh build directory (mode 0700) for a build of `name`. */
export function makeBuildRoot(stateDir: string, name: string): string {
  const parent = processBuildsDir(stateDir);
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  return mkdtempSync(join(parent, `${name.slice(0, 40)}-`));
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

/** Resolves once every build directory whose removal was started has been removed. */
export async function buildRootsRemoved(): Promise<void> {
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
