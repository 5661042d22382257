/**
 * Carrying out a {@link FilePlan}. Every entry is written under a temporary
 * name and renamed into place, so a reader of `/etc` sees the old entry or
 * the new one, never a missing or half-written file. The temporary's name
 * holds the process id, which the activation journal records, so the next
 * activation removes what an interrupted one left.
 */
import { chmodSync, chownSync, copyFileSync, mkdirSync, renameSync, rmdirSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { temporaryPathFor, type ManagedFile } from "@kiln/formats";
import { BACKUP_SUFFIX, copyMode, type FilePlan } from "./file-changes.js";

/** Looks up the numeric owner of a copied file, when files are to be chowned. */
export type OwnerLookup = (user: string, group: string) => { readonly uid: number; readonly gid: number } | undefined;

function place(absolute: string, file: ManagedFile, owner: OwnerLookup | undefined): void {
  mkdirSync(dirname(absolute), { recursive: true });
  const temporary = temporaryPathFor(absolute);
  rmSync(temporary, { force: true });
  try {
    if (file.mode === "symlink") symlinkSync(file.source, temporary);
    else {
      copyFileSync(file.source, temporary);
      chmodSync(temporary, copyMode(file));
      const ids = owner?.(file.user, file.group);
      if (ids !== undefined) chownSync(temporary, ids.uid, ids.gid);
    }
    renameSync(temporary, absolute);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Removes directories left empty between `path`'s parent and `stop`. */
function removeEmptyParents(path: string, stop: string): void {
  for (let directory = dirname(path); directory.startsWith(`${stop}/`); directory = dirname(directory)) {
    try {
      rmdirSync(directory);
    } catch {
      return;
    }
  }
}

/** Applies `plan` under `filesDir`; returns the paths left alone, with why. */
export function applyFileChanges(filesDir: string, plan: FilePlan, owner?: OwnerLookup): string[] {
  const left: string[] = [];
  for (const path of plan.vanished) removeEmptyParents(join(filesDir, path), filesDir);
  for (const change of plan.changes) {
    const absolute = join(filesDir, change.path);
    switch (change.action) {
      case "create":
      case "replace":
        place(absolute, change.file, owner);
        break;
      case "back-up-and-create":
        renameSync(absolute, absolute + BACKUP_SUFFIX);
        place(absolute, change.file, owner);
        break;
      case "remove":
        try {
          unlinkSync(absolute);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        }
        if (change.restoreBackup) renameSync(absolute + BACKUP_SUFFIX, absolute);
        else removeEmptyParents(absolute, filesDir);
        break;
      case "leave":
        left.push(change.reason);
        break;
    }
  }
  return left;
}
