/**
 * Planning how the managed files of one generation become those of the
 * next: which entries to create, replace or remove, and which files that
 * Kiln does not manage are in the way and must be moved aside first.
 *
 * The plan compares against the disk, not only the two manifests: an entry
 * already as the next generation wants it is left alone (so activating
 * twice changes nothing), and only entries that still look as the previous
 * generation left them count as Kiln's to replace or remove. A file Kiln
 * did not place is moved to `<name>.before-kiln`, never overwritten, and
 * put back when no generation manages that name any more, as NixOS does
 * with files it takes over in `/etc`.
 *
 * After an interrupted activation, the entries of the generations it was
 * going to (from the journal) count as Kiln's too, but only when they are
 * exactly as that generation places them: a half-finished switch is
 * finished or undone, and a user's file is still never mistaken for Kiln's.
 */
import { lstatSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ActivationManifest, ManagedFile } from "@kiln/formats";
import { ActivationConflictError } from "./activation-errors.js";

/** The suffix of a file moved aside because Kiln manages its name now. */
export const BACKUP_SUFFIX = ".before-kiln";

/** One change to a managed entry; `path` is relative to the target's files directory. */
export type FileChange =
  | { readonly action: "create"; readonly path: string; readonly file: ManagedFile }
  | { readonly action: "replace"; readonly path: string; readonly file: ManagedFile }
  | { readonly action: "back-up-and-create"; readonly path: string; readonly file: ManagedFile }
  | { readonly action: "remove"; readonly path: string; readonly restoreBackup: boolean }
  | { readonly action: "leave"; readonly path: string; readonly reason: string };

/** The changes, and how many entries are already right. */
export interface FilePlan {
  readonly changes: readonly FileChange[];
  readonly unchanged: number;
  /** Entries no generation wants that are already gone (an interrupted activation removed them): their empty directories are removed. */
  readonly vanished: readonly string[];
}

/** Entries an unfinished activation may have placed, by path (see the activation journal). */
export type InterruptedEntries = Readonly<Record<string, readonly ManagedFile[]>>;

type Entry = { readonly kind: "missing" } | { readonly kind: "symlink"; readonly target: string } | { readonly kind: "file"; readonly mode: number } | { readonly kind: "other" };

function entryAt(path: string): Entry {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return { kind: "missing" };
  }
  if (stats.isSymbolicLink()) return { kind: "symlink", target: readlinkSync(path) };
  if (stats.isFile()) return { kind: "file", mode: stats.mode & 0o7777 };
  return { kind: "other" };
}

/** The numeric mode of a copied file's `mode` (`"0644"`). */
export function copyMode(file: ManagedFile): number {
  return Number.parseInt(file.mode, 8);
}

function sameContent(path: string, source: string): boolean {
  try {
    if (!statSync(source).isFile()) return false;
    return readFileSync(path).equals(readFileSync(source));
  } catch {
    return false;
  }
}

/** Whether the entry at `path` is already `file`. */
function isAsWanted(path: string, entry: Entry, file: ManagedFile): boolean {
  if (file.mode === "symlink") return entry.kind === "symlink" && entry.target === file.source;
  return entry.kind === "file" && entry.mode === copyMode(file) && sameContent(path, file.source);
}

/** Whether the entry is what the previous generation placed there, so Kiln may change it. */
function isKilnsEntry(entry: Entry, previous: ManagedFile | undefined): boolean {
  if (previous === undefined) return false;
  // A copied file stays Kiln's when edited in place, as NixOS treats /etc copies.
  if (previous.mode !== "symlink") return entry.kind === "file";
  return entry.kind === "symlink" && entry.target === previous.source;
}

/** Whether the entry is exactly one an unfinished activation was placing. */
function isHalfPlaced(path: string, entry: Entry, candidates: readonly ManagedFile[] | undefined): boolean {
  return candidates?.some((file) => isAsWanted(path, entry, file)) ?? false;
}

/** Fails when an ancestor of `relative` is a file or link Kiln would have to write through. */
function checkAncestors(filesDir: string, relative: string, removed: ReadonlySet<string>): void {
  const segments = relative.split("/");
  for (let length = 1; length < segments.length; length++) {
    const ancestor = segments.slice(0, length).join("/");
    if (removed.has(ancestor)) continue;
    const entry = entryAt(join(filesDir, ancestor));
    if (entry.kind === "missing") return;
    let isDirectory = false;
    try {
      isDirectory = lstatSync(join(filesDir, ancestor)).isDirectory();
    } catch {
      isDirectory = false;
    }
    if (!isDirectory) {
      throw new ActivationConflictError(
        `cannot place ${join(filesDir, relative)}: ${join(filesDir, ancestor)} is ${entry.kind === "symlink" ? "a symlink" : "a file"}, not a directory, and Kiln does not manage it; move it away and activate again`,
      );
    }
  }
}

/**
 * The changes that take the files directory from the `previous`
 * generation's files (`undefined`: none) to the `next` one's; `interrupted`
 * are the entries an unfinished activation may have left in place.
 */
export function planFileChanges(filesDir: string, previous: ActivationManifest | undefined, next: ActivationManifest | undefined, interrupted: InterruptedEntries = {}): FilePlan {
  const before = previous?.files ?? {};
  const after = next?.files ?? {};
  const changes: FileChange[] = [];
  const removed = new Set<string>();
  const vanished: string[] = [];
  let unchanged = 0;
  const isKilns = (path: string, absolute: string, entry: Entry): boolean => isKilnsEntry(entry, before[path]) || isHalfPlaced(absolute, entry, interrupted[path]);
  // Removals first, deepest first, so that a directory entry can replace the files that were inside it.
  const gone = [...new Set([...Object.keys(before), ...Object.keys(interrupted)])].filter((path) => !(path in after)).sort().reverse();
  for (const path of gone) {
    const absolute = join(filesDir, path);
    const entry = entryAt(absolute);
    if (entry.kind === "missing") {
      if (entryAt(absolute + BACKUP_SUFFIX).kind !== "missing") changes.push({ action: "remove", path, restoreBackup: true });
      else vanished.push(path);
      continue;
    }
    if (!isKilns(path, absolute, entry)) {
      if (path in before) changes.push({ action: "leave", path, reason: `${absolute} was changed since Kiln placed it, so it is left as it is` });
      continue;
    }
    changes.push({ action: "remove", path, restoreBackup: entryAt(absolute + BACKUP_SUFFIX).kind !== "missing" });
    removed.add(path);
  }
  for (const path of Object.keys(after).sort()) {
    const file = after[path] as ManagedFile;
    const absolute = join(filesDir, path);
    const entry = entryAt(absolute);
    if (isAsWanted(absolute, entry, file)) {
      unchanged++;
      continue;
    }
    checkAncestors(filesDir, path, removed);
    if (entry.kind === "missing") changes.push({ action: "create", path, file });
    else if (isKilns(path, absolute, entry)) changes.push({ action: "replace", path, file });
    else {
      if (entryAt(absolute + BACKUP_SUFFIX).kind !== "missing") {
        throw new ActivationConflictError(
          `cannot place ${absolute}: a file Kiln does not manage is there, and ${absolute}${BACKUP_SUFFIX} (where Kiln would move it) exists too; move one of them away and activate again`,
        );
      }
      changes.push({ action: "back-up-and-create", path, file });
    }
  }
  return { changes, unchanged, vanished };
}
