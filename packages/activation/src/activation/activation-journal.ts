/**
 * The activation journal: what an activation is about to do, written to the
 * target's state directory (next to the profile) before it changes
 * anything, and removed once the generation is in place and current.
 *
 * NixOS's `switch-to-configuration` can be interrupted at any point and the
 * next switch still works, because `/etc` is rebuilt from scratch as links
 * into a fresh `/etc/static`. Kiln updates entries one by one, so an
 * interrupted activation leaves some entries of the old generation and some
 * of the new one, temporaries, and accounts half-changed. A journal left
 * behind says exactly which entries may be Kiln's besides the active
 * generation's (those of every generation an unfinished activation was
 * taking the target to), which accounts Kiln may have created, and which
 * process's temporaries may lie around; the next activation of any
 * generation treats all of those as Kiln's, so it finishes or undoes the
 * interrupted one instead of mistaking Kiln's own half-placed files for the
 * user's.
 *
 * The journal is replaced atomically (temporary, fsync, rename, fsync of the
 * directory), so it is either the old journal, the new one, or absent.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { currentLockOwner, isLockOwnerAlive } from "@kiln/store";
import { isRuntimeLinkPath, syncDirectory, temporaryPathFor, writeFileAtomically, type ActivationManifest, type ManagedFile, type ManagedGroup, type ManagedUser } from "@kiln/formats";
import type { CreatedAccounts } from "./account-changes.js";
import { ACCOUNT_FILE_FIELDS } from "./account-files.js";
import { ActivationError } from "./activation-errors.js";
import type { ActivationTarget } from "./activation-target.js";

const JOURNAL_FILE = "activation-journal.json";
const JOURNAL_VERSION = 1;


/** What an unfinished activation may have put in place. */
export interface ActivationJournal {
  readonly version: typeof JOURNAL_VERSION;
  /** The process that was activating: its temporaries may be left. */
  readonly pid: number;
  /** That process as the store's locks name it (boot, pid, start time), to tell a running activation from an interrupted one. */
  readonly owner: string;
  /** The toplevel being activated. */
  readonly toplevel: string;
  /** Every entry an unfinished activation may have placed, by path: one per generation it was going to. */
  readonly files: Readonly<Record<string, readonly ManagedFile[]>>;
  /** Users declared by those generations (their group memberships are Kiln's). */
  readonly users: Readonly<Record<string, ManagedUser>>;
  /** Groups declared by those generations, with the members any of them declared. */
  readonly groups: Readonly<Record<string, ManagedGroup>>;
  /** Accounts Kiln had created or was about to create. */
  readonly created: CreatedAccounts;
  /**
   * Run-time links (`/run/opengl-driver`) an unfinished activation may have made, by path: every target one of
   * the generations it was going to links there. Absent in journals of Kiln versions before links were recorded.
   */
  readonly runtimeLinks?: Readonly<Record<string, readonly string[]>>;
}

/** The journal file of a target. */
export function journalPath(target: ActivationTarget): string {
  return join(target.stateDir, JOURNAL_FILE);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The journal an unfinished activation left, if any. */
export function readJournal(target: ActivationTarget): ActivationJournal | undefined {
  const path = journalPath(target);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    // A journal that is there but unreadable must not pass for none: recovery depends on it.
    throw new ActivationError(`${path}: cannot read the activation journal (${(error as Error).message}); fix that and activate again`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ActivationError(`${path}: the activation journal is not valid JSON (${(error as Error).message}); it is only ever replaced whole, so something else wrote it: move it away and activate again`);
  }
  const valid =
    isRecord(parsed) &&
    parsed["version"] === JOURNAL_VERSION &&
    Number.isInteger(parsed["pid"]) &&
    typeof parsed["owner"] === "string" &&
    typeof parsed["toplevel"] === "string" &&
    isRecord(parsed["files"]) &&
    Object.values(parsed["files"]).every((entries) => Array.isArray(entries)) &&
    isRecord(parsed["users"]) &&
    isRecord(parsed["groups"]) &&
    isRecord(parsed["created"]) &&
    Array.isArray(parsed["created"]["users"]) &&
    Array.isArray(parsed["created"]["groups"]) &&
    (parsed["runtimeLinks"] === undefined ||
      (isRecord(parsed["runtimeLinks"]) &&
        Object.entries(parsed["runtimeLinks"]).every(([path, targets]) => isRuntimeLinkPath(path) && Array.isArray(targets) && targets.every((target) => typeof target === "string"))));
  if (!valid) throw new ActivationError(`${path}: not an activation journal of this Kiln (version ${JOURNAL_VERSION}); move it away and activate again`);
  return parsed as unknown as ActivationJournal;
}

/** Whether the activation that wrote `journal` is still running in another process. */
export function isRunningElsewhere(journal: ActivationJournal): boolean {
  return journal.owner !== currentLockOwner() && isLockOwnerAlive(journal.owner);
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/**
 * The journal for activating `next` (at `toplevel`), which will create the
 * accounts `created`: it keeps everything an earlier unfinished activation
 * (`earlier`) may have left, so an activation interrupted while it was
 * finishing another still knows both.
 */
export function journalFor(toplevel: string, next: ActivationManifest, created: CreatedAccounts, earlier: ActivationJournal | undefined): ActivationJournal {
  const files: Record<string, ManagedFile[]> = {};
  for (const [path, entries] of Object.entries(earlier?.files ?? {})) files[path] = [...entries];
  for (const [path, file] of Object.entries(next.files)) {
    const known = files[path] ?? (files[path] = []);
    if (!known.some((entry) => entry.source === file.source && entry.mode === file.mode)) known.push(file);
  }
  const groups: Record<string, ManagedGroup> = { ...earlier?.groups };
  for (const [name, group] of Object.entries(next.groups)) {
    groups[name] = { gid: group.gid, members: union(groups[name]?.members ?? [], group.members) };
  }
  const runtimeLinks: Record<string, readonly string[]> = { ...earlier?.runtimeLinks };
  for (const [path, linkTarget] of Object.entries(next.runtimeLinks ?? {})) runtimeLinks[path] = union(runtimeLinks[path] ?? [], [linkTarget]);
  return {
    version: JOURNAL_VERSION,
    pid: process.pid,
    owner: currentLockOwner(),
    toplevel,
    files,
    users: { ...earlier?.users, ...next.users },
    groups,
    created: { users: union(earlier?.created.users ?? [], created.users), groups: union(earlier?.created.groups ?? [], created.groups) },
    runtimeLinks,
  };
}

/** Records `journal` durably before the activation it describes changes anything. */
export function writeJournal(target: ActivationTarget, journal: ActivationJournal): void {
  writeFileAtomically(journalPath(target), `${JSON.stringify(journal)}\n`, 0o600);
}

/** Removes the journal: the activation it describes is complete. */
export function clearJournal(target: ActivationTarget): void {
  rmSync(journalPath(target), { force: true });
  syncDirectory(target.stateDir);
}

function removeMatching(directory: string, matches: (name: string) => boolean): void {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  for (const name of names) if (matches(name)) rmSync(join(directory, name), { force: true });
}

/**
 * Removes the temporaries an interrupted activation may have left: a
 * journal it was writing (whose own journal never appeared), and, when its
 * journal (`earlier`) is there, the temporaries of that process beside
 * every entry it may have placed, beside the account files and in Kiln's
 * own state directories (links being replaced). Only names Kiln itself
 * writes, with that process's id, are touched.
 */
export function removeTemporaries(target: ActivationTarget, earlier: ActivationJournal | undefined): void {
  const journalTemporary = `.${JOURNAL_FILE}.kiln-tmp-`;
  if (earlier === undefined) {
    removeMatching(target.stateDir, (name) => name.startsWith(journalTemporary));
    return;
  }
  for (const path of Object.keys(earlier.files)) rmSync(temporaryPathFor(join(target.filesDir, path), earlier.pid), { force: true });
  if (target.kind === "machine") for (const name of Object.keys(ACCOUNT_FILE_FIELDS)) rmSync(temporaryPathFor(join(target.root, "etc", name), earlier.pid), { force: true });
  const suffix = `.kiln-tmp-${earlier.pid}`;
  const stateTemporary = (name: string): boolean => name.endsWith(suffix) || name.endsWith(`.tmp-${earlier.pid}`) || name.startsWith(journalTemporary);
  removeMatching(target.stateDir, stateTemporary);
  removeMatching(join(target.stateDir, "profiles"), stateTemporary);
}
