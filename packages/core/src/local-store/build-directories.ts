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
import { deletePathRecursively } from "./canonicalise.js";
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
