/**
 * The managed files and systemd units two generations place, compared
 * entry by entry: added, removed, and changed (other source, mode or
 * owner), with a unified diff when both sides are small text files, as
 * `diff -ru` of two NixOS `etc` trees would show. Units and their `.wants`
 * links are reported as units (with the targets that want them) rather
 * than as files.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { unifiedDiff, type ActivationManifest, type ManagedFile } from "@kiln/formats";
import { isUnitEntry, manifestUnits, wantedBy } from "../activation/unit-changes.js";


/** Orders entries by their `path` (as the diffs and the activation list them). */
export function byPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Files larger than this (or holding a NUL byte) are compared without a text diff. */
export const TEXT_DIFF_LIMIT = 64 * 1024;

/** A managed file present on one side only. */
export interface FileEntry {
  /** Relative to the target's files directory (`/etc` of a machine). */
  readonly path: string;
  readonly file: ManagedFile;
}

/** A managed file both generations place, differently. */
export interface ChangedFile {
  readonly path: string;
  readonly before: ManagedFile;
  readonly after: ManagedFile;
  /** The unified diff of the contents, when both are text of at most {@link TEXT_DIFF_LIMIT} bytes and differ. */
  readonly diff: string | undefined;
}

/** The managed files of two generations. */
export interface FilesDiff {
  readonly added: readonly FileEntry[];
  readonly removed: readonly FileEntry[];
  readonly changed: readonly ChangedFile[];
}

/** A systemd unit present on one side only. */
export interface UnitEntry {
  readonly name: string;
  /** The targets that want it (`multi-user.target`, `timers.target`, …). */
  readonly wantedBy: readonly string[];
}

/** A unit both generations have, whose file or wanting targets differ. */
export interface ChangedUnit {
  readonly name: string;
  /** The unified diff of the unit files, when they differ and are text. */
  readonly diff: string | undefined;
  /** Set when the targets that want it changed. */
  readonly wantedBy: { readonly before: readonly string[]; readonly after: readonly string[] } | undefined;
}

/** The systemd units of two generations. */
export interface UnitsDiff {
  readonly added: readonly UnitEntry[];
  readonly removed: readonly UnitEntry[];
  readonly changed: readonly ChangedUnit[];
}

/** The text of a regular file of at most {@link TEXT_DIFF_LIMIT} bytes without NUL bytes, else `undefined`. */
function smallText(path: string): string | undefined {
  try {
    const stats = statSync(path);
    if (!stats.isFile() || stats.size > TEXT_DIFF_LIMIT) return undefined;
    const buffer = Buffer.alloc(stats.size);
    const descriptor = openSync(path, "r");
    try {
      readSync(descriptor, buffer, 0, stats.size, 0);
    } finally {
      closeSync(descriptor);
    }
    return buffer.includes(0) ? undefined : buffer.toString("utf8");
  } catch {
    return undefined;
  }
}

/** The unified diff of the files at `before` and `after` labelled `name`, when both are small text; `undefined` otherwise or when equal. */
export function textDiff(name: string, before: string, after: string): string | undefined {
  const old = smallText(before);
  const now = smallText(after);
  if (old === undefined || now === undefined || old === now) return undefined;
  return unifiedDiff(name, old, now);
}

function sameFile(a: ManagedFile, b: ManagedFile): boolean {
  return a.source === b.source && a.mode === b.mode && a.user === b.user && a.group === b.group;
}

/** Compares the managed files other than units; `label` prefixes paths in the text diffs (`etc/`). */
export function diffManagedFiles(before: ActivationManifest | undefined, after: ActivationManifest, label: string): FilesDiff {
  const old = Object.entries(before?.files ?? {}).filter(([path]) => !isUnitEntry(path));
  const now = Object.entries(after.files).filter(([path]) => !isUnitEntry(path));
  const oldByPath = new Map(old);
  const nowByPath = new Map(now);
  const added: FileEntry[] = [];
  const changed: ChangedFile[] = [];
  for (const [path, file] of now) {
    const previous = oldByPath.get(path);
    if (previous === undefined) added.push({ path, file });
    else if (!sameFile(previous, file)) changed.push({ path, before: previous, after: file, diff: previous.source === file.source ? undefined : textDiff(`${label}${path}`, previous.source, file.source) });
  }
  const removed = old.filter(([path]) => !nowByPath.has(path)).map(([path, file]) => ({ path, file }));
  return { added: added.sort(byPath), removed: removed.sort(byPath), changed: changed.sort(byPath) };
}

/** Compares the systemd units (`systemd/system/*`) and the targets that want them. */
export function diffUnits(before: ActivationManifest | undefined, after: ActivationManifest): UnitsDiff {
  const old = manifestUnits(before);
  const now = manifestUnits(after);
  const oldWanted = wantedBy(before);
  const nowWanted = wantedBy(after);
  const entry = (name: string, wanted: Map<string, string[]>): UnitEntry => ({ name, wantedBy: wanted.get(name) ?? [] });
  const changed: ChangedUnit[] = [];
  for (const [name, source] of [...now].sort()) {
    const previous = old.get(name);
    if (previous === undefined) continue;
    const wantedBefore = oldWanted.get(name) ?? [];
    const wantedAfter = nowWanted.get(name) ?? [];
    const wantedChanged = wantedBefore.join(" ") !== wantedAfter.join(" ");
    if (previous === source && !wantedChanged) continue;
    changed.push({ name, diff: previous === source ? undefined : textDiff(`etc/systemd/system/${name}`, previous, source), wantedBy: wantedChanged ? { before: wantedBefore, after: wantedAfter } : undefined });
  }
  return {
    added: [...now.keys()].filter((name) => !old.has(name)).sort().map((name) => entry(name, nowWanted)),
    removed: [...old.keys()].filter((name) => !now.has(name)).sort().map((name) => entry(name, oldWanted)),
    changed,
  };
}
