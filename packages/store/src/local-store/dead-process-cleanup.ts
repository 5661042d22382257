/**
 * Cleaning up after Kiln processes that died without doing so themselves
 * (kill -9, power loss): their build directories, their temporary roots
 * and their build locks (stopping a builder they left running). A process
 * is dead when no process with its pid and start time runs on this boot, so
 * a concurrent live Kiln is never disturbed. Files go first: on a full disk
 * they free the space the database needs to forget the rows.
 */
import type { LocalStore } from "./local-store.js";
import { isLockOwnerAlive } from "./path-locks.js";
import { removeDeadBuildDirectories } from "./build-directories.js";

/** What {@link cleanUpAfterDeadProcesses} removed. */
export interface DeadProcessCleanup {
  /** Processes whose build directories were removed. */
  readonly buildDirectories: number;
  /** Temporary-root rows forgotten. */
  readonly temporaryRoots: number;
  /** Lock rows forgotten. */
  readonly locks: number;
}

/** Removes the build directories of dead processes, after stopping builders they left running. Writes nothing to the database. */
export function removeDeadProcessFiles(store: LocalStore): number {
  // An orphaned builder may still write into its build directory (or an output): stop it first.
  store.locks.stopOrphanedBuilders();
  return removeDeadBuildDirectories(store.stateDir);
}

/** Removes what dead Kiln processes left in `store`: build directories, then temporary roots and locks. */
export function cleanUpAfterDeadProcesses(store: LocalStore): DeadProcessCleanup {
  const buildDirectories = removeDeadProcessFiles(store);
  const locks = store.locks.forgetDeadOwners();
  let temporaryRoots = 0;
  for (const owner of store.database.tempRootOwners()) {
    if (!isLockOwnerAlive(owner)) temporaryRoots += store.database.removeTempRoots(owner);
  }
  return { buildDirectories, temporaryRoots, locks };
}
