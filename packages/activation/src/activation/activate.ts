/**
 * Activating a generation: making a machine's `/etc`, accounts and units
 * (or a home's files) those of one toplevel, as NixOS's
 * `switch-to-configuration` and home-manager's activation do.
 *
 * Everything that can fail for a reason the user must fix (a file in the
 * way, a manifest from another Kiln, an unknown group) is found while
 * planning, before anything changes: malformed lines in the root's account
 * files, and any path (a home to create, `/etc` itself) that would lead out
 * of the root. If applying still fails (an activation snippet exits
 * non-zero, the disk is full), the previous generation's files and accounts
 * are put back, the active link keeps pointing at it, and the error says
 * what failed.
 *
 * If the process is killed instead, the activation journal written before
 * the first change (see `activation-journal.ts`) lets the next activation of
 * any generation recognise what this one had half done and finish it or
 * undo it, as NixOS's switch survives an interruption.
 */
import { chownSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomically, lexists, type ActivationManifest, type ManagedGroup } from "@kiln/formats";
import { planAccountChanges, type AccountChanges, type AccountFiles, type CreatedAccounts } from "./account-changes.js";
import { checkAccountFile, parseAccountFile } from "./account-files.js";
import { ActivationError, ActivationManifestError, ActivationPathError } from "./activation-errors.js";
import { clearJournal, isRunningElsewhere, journalFor, readJournal, removeTemporaries, writeJournal, type ActivationJournal } from "./activation-journal.js";
import { activeGeneration, clearActiveGeneration, readCreatedAccounts, setActiveGeneration, writeCreatedAccounts, type RegisterRoot } from "./activation-state.js";
import { isLiveMachine, type ActivationTarget } from "./activation-target.js";
import { applyFileChanges, type OwnerLookup } from "./apply-file-changes.js";
import { planFileChanges, type FilePlan } from "./file-changes.js";
import { readActivationManifest } from "./read-activation-manifest.js";
import { runActivationScripts, type ScriptOutput } from "./run-activation-scripts.js";
import { applyRuntimeLinks, checkRuntimeLinks, planRuntimeLinks, withoutOthersLinks, type RuntimeLinkChange } from "./runtime-links.js";
import { checkSecretOwners, installSecrets, planSecrets, restoreSecrets, secretsUndoFor, secretsReport, unitsUsingChangedSecrets, withPasswordHashes, type PlannedSecrets, type SecretsReport, type SecretsUndo } from "./secret-activation.js";
import { canManageSystemd, planUnitChanges, queueUnits, startUnits, stopUnits, type UnitChanges } from "./unit-changes.js";

/** What an activation changes (or, planned with `dryRun`, would change). */
export interface ActivationReport {
  /** The toplevel activated. */
  readonly toplevel: string;
  /** The toplevel that was active before, if any. */
  readonly previous: string | undefined;
  readonly files: FilePlan;
  /** The links below `/run` set (with their targets) or removed (machines only; see `runtime-links.ts`). */
  readonly runtimeLinks: readonly RuntimeLinkChange[];
  /** Account changes (machines only). */
  readonly accounts: Omit<AccountChanges, "files" | "created"> | undefined;
  /** Unit changes, and whether they were carried out (only on the running machine). */
  readonly units: UnitChanges & { readonly applied: boolean };
  /** The activation snippets, in order, with their output once run. */
  readonly scripts: readonly ScriptOutput[];
  /** The secrets put in place (`undefined`: the generation has none, or this was a dry run). */
  readonly secrets: SecretsReport | undefined;
  readonly warnings: readonly string[];
}

/** Options of {@link activate}. */
export interface ActivateOptions {
  /** Only plan: report what would change, change nothing. */
  readonly dryRun?: boolean;
  /** Makes the active link a garbage-collector root (e.g. `store.addRootLink`). */
  readonly registerRoot?: RegisterRoot;
  /**
   * Runs once the generation is in place and active, before the journal is
   * removed (e.g. making it the profile's current generation), so an
   * interruption there is set right by the next activation too.
   */
  readonly commit?: () => void;
  /**
   * Activating early at boot (the `kiln-boot` unit): on the running machine
   * no unit is stopped or restarted, and the units to start are queued
   * without waiting, since waiting would hang the boot.
   */
  readonly atBoot?: boolean;
}

/** The account files, each with the mode `useradd` gives it when it creates it (the shadow files are also given to group `shadow`). */
const ACCOUNT_FILES = { passwd: 0o644, group: 0o644, shadow: 0o640, gshadow: 0o640 } as const;
const ACCOUNT_FILE_NAMES = ["passwd", "group", "shadow", "gshadow"] as const;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function readAccountFiles(target: ActivationTarget): AccountFiles {
  const etc = join(target.root, "etc");
  return { passwd: readText(join(etc, "passwd")) ?? "", group: readText(join(etc, "group")) ?? "", shadow: readText(join(etc, "shadow")), gshadow: readText(join(etc, "gshadow")) };
}

/** The root's account files, refused when a line is malformed (before Kiln rewrites them). */
function readCheckedAccountFiles(target: ActivationTarget): AccountFiles {
  const files = readAccountFiles(target);
  const etc = join(target.root, "etc");
  for (const name of ACCOUNT_FILE_NAMES) checkAccountFile(join(etc, name), files[name] ?? "", name);
  return files;
}

function isInside(path: string, directory: string): boolean {
  return directory === "/" || path === directory || path.startsWith(`${directory}/`);
}

/**
 * Fails unless `path` (absolute, already normalised) stays inside the
 * target's root, also through the symlinks among its existing ancestors:
 * activating into `--root DIR` must never write outside DIR.
 */
function checkInsideRoot(target: ActivationTarget, path: string, what: string): void {
  if (!isInside(path, target.root)) throw new ActivationPathError(`${what} ${path} is outside ${target.root}, the root being activated; nothing was changed`);
  // The nearest ancestor that is there (a symlink counts, even one that leads nowhere).
  let existing = path;
  while (!lexists(existing) && existing !== target.root) existing = dirname(existing);
  if (!lexists(existing)) return;
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    throw new ActivationPathError(`${what} ${path} cannot be placed: ${existing} is a symlink that leads nowhere; nothing was changed (replace it with a directory)`);
  }
  const realRoot = realpathSync(target.root);
  if (!isInside(real, realRoot)) {
    throw new ActivationPathError(`${what} ${path} leads outside ${target.root}: ${existing} resolves to ${real}; nothing was changed (replace the symlink with a directory)`);
  }
}

/** The previous generation's accounts, with those of an unfinished activation, whose memberships are Kiln's too. */
function accountsKnown(previous: ActivationManifest | undefined, earlier: ActivationJournal | undefined): Pick<ActivationManifest, "users" | "groups"> | undefined {
  if (earlier === undefined) return previous;
  const groups: Record<string, ManagedGroup> = { ...earlier.groups };
  for (const [name, group] of Object.entries(previous?.groups ?? {})) groups[name] = { gid: group.gid, members: [...new Set([...(groups[name]?.members ?? []), ...group.members])] };
  return { users: { ...earlier.users, ...previous?.users }, groups };
}

function unionCreated(a: CreatedAccounts, b: CreatedAccounts | undefined): CreatedAccounts {
  return { users: [...new Set([...a.users, ...(b?.users ?? [])])].sort(), groups: [...new Set([...a.groups, ...(b?.groups ?? [])])].sort() };
}

function writeAccountFiles(target: ActivationTarget, files: AccountFiles, before: AccountFiles): void {
  const etc = join(target.root, "etc");
  for (const name of ACCOUNT_FILE_NAMES) {
    // A restore gives no text for a shadow file the root did not have, which the activation created.
    const text = files[name] ?? (before[name] === undefined ? undefined : "");
    if (text === undefined || text === before[name]) continue;
    const path = join(etc, name);
    // Only a restore, or the removal of the last account Kiln added to a file it created, writes an empty file: the root had none.
    if (text === "") {
      rmSync(path, { force: true });
      continue;
    }
    if (existsSync(path)) {
      writeFileAtomically(path, text, statSync(path).mode & 0o7777);
      continue;
    }
    writeFileAtomically(path, text, ACCOUNT_FILES[name]);
    if ((name === "shadow" || name === "gshadow") && process.getuid?.() === 0) {
      const shadowGroup = parseAccountFile(files.group).find((line) => line.name === "shadow")?.fields[2];
      if (shadowGroup !== undefined) chownSync(path, 0, Number(shadowGroup));
    }
  }
}

function accountSummary({ files: _files, created: _created, ...summary }: AccountChanges): Omit<AccountChanges, "files" | "created"> {
  return summary;
}

/** Numeric owners from the root's own account files, used only when running as root. */
function ownerLookup(target: ActivationTarget): OwnerLookup | undefined {
  if (process.getuid?.() !== 0 || target.kind !== "machine") return undefined;
  return (user, group) => {
    const { passwd, group: groups } = readAccountFiles(target);
    const uid = parseAccountFile(passwd).find((line) => line.name === user)?.fields[2];
    const gid = parseAccountFile(groups).find((line) => line.name === group)?.fields[2];
    if (uid === undefined || gid === undefined) throw new ActivationError(`cannot give a file to ${user}:${group}: no such ${uid === undefined ? "user" : "group"} in ${join(target.root, "etc")}`);
    return { uid: Number(uid), gid: Number(gid) };
  };
}

function readPrevious(target: ActivationTarget, warnings: string[]): { path: string | undefined; manifest: ActivationManifest | undefined } {
  const path = activeGeneration(target);
  if (path === undefined) return { path, manifest: undefined };
  try {
    return { path, manifest: readActivationManifest(path) };
  } catch (error) {
    warnings.push(`the active generation ${path} cannot be read (${(error as Error).message}); its files are treated as not Kiln's`);
    return { path, manifest: undefined };
  }
}

function createHomes(target: ActivationTarget, changes: AccountChanges): void {
  for (const home of changes.homes) {
    const path = join(target.root, home.path);
    if (existsSync(path)) continue;
    mkdirSync(path, { recursive: true, mode: 0o700 });
    if (process.getuid?.() === 0) chownSync(path, home.uid, home.gid);
  }
}

/** Activates the toplevel at `toplevel` on `target` (see the file comment). */
export function activate(toplevel: string, target: ActivationTarget, options: ActivateOptions = {}): ActivationReport {
  const next = readActivationManifest(toplevel);
  if (next.kind !== target.kind) {
    throw new ActivationManifestError(`${toplevel} is a ${next.kind}, but it is being activated as a ${target.kind}; use ${next.kind === "home" ? "--home" : "--machine"}`);
  }
  if (options.dryRun !== true && isLiveMachine(target) && process.getuid?.() !== 0) {
    throw new ActivationError(`activating a machine on / changes /etc and its accounts, which needs root: run it with sudo, or activate into a directory with --root DIR`);
  }
  const warnings: string[] = [];
  const earlier = readJournal(target);
  if (earlier !== undefined && isRunningElsewhere(earlier)) {
    const running = `another activation, of ${earlier.toplevel} (process ${earlier.pid}), is running on ${target.root}`;
    if (options.dryRun !== true) throw new ActivationError(`${running}; wait for it to finish and activate again`);
    warnings.push(`${running}; what is shown may change when it finishes`);
  } else if (earlier !== undefined) {
    warnings.push(`an activation of ${earlier.toplevel} (process ${earlier.pid}) did not finish; what it had changed was recognised as Kiln's and is now as this generation wants it`);
  }
  const previous = readPrevious(target, warnings);
  checkInsideRoot(target, target.filesDir, target.kind === "machine" ? "/etc" : "the home directory");
  checkInsideRoot(target, target.stateDir, "Kiln's state directory");
  const files = planFileChanges(target.filesDir, previous.manifest, next, earlier?.files);
  const runtimeLinks = target.kind === "machine" ? withoutOthersLinks(target, planRuntimeLinks(previous.manifest, next, earlier?.runtimeLinks)) : [];
  // The directory a link goes in must stay inside the root; the link itself is replaced, never followed.
  for (const link of runtimeLinks) checkInsideRoot(target, dirname(join(target.root, link.path)), `the directory of the run-time link ${link.path}`);
  checkRuntimeLinks(target, runtimeLinks);
  // Secrets are decrypted (in memory) while planning: one that cannot be stops the switch before any change.
  const secrets: PlannedSecrets | undefined = options.dryRun === true ? undefined : planSecrets(next, target);
  // A home's secrets go to the user's runtime directory, outside the home by design.
  if (secrets !== undefined && target.kind === "machine") checkInsideRoot(target, secrets.directory, "the secrets directory");
  const accountsBefore = target.kind === "machine" ? readCheckedAccountFiles(target) : undefined;
  const createdBefore = unionCreated(readCreatedAccounts(target), earlier?.created);
  const planned = accountsBefore === undefined ? undefined : planAccountChanges(accountsBefore, createdBefore, accountsKnown(previous.manifest, earlier), next);
  const accounts = planned === undefined || secrets === undefined ? planned : { ...planned, files: withPasswordHashes(planned.files, secrets.passwordHashes) };
  for (const home of accounts?.homes ?? []) checkInsideRoot(target, join(target.root, home.path), "the home directory");
  if (secrets !== undefined && accounts !== undefined && ownerLookup(target) !== undefined) checkSecretOwners(secrets, accounts.files);
  const unitPlan = planUnitChanges(previous.manifest, next);
  // A unit whose secret changed is restarted, unless it is started or stopped anyway.
  const secretRestarts = secrets === undefined ? [] : unitsUsingChangedSecrets(secrets, next).filter((unit) => !unitPlan.start.includes(unit) && !unitPlan.stop.includes(unit));
  const units: UnitChanges = { ...unitPlan, restart: [...new Set([...unitPlan.restart, ...secretRestarts])].sort() };
  const live = isLiveMachine(target) && canManageSystemd();
  if (accounts !== undefined) warnings.push(...accounts.warnings);
  const report = (scripts: readonly ScriptOutput[], left: readonly string[]): ActivationReport => ({
    toplevel,
    previous: previous.path,
    files,
    runtimeLinks,
    accounts: accounts === undefined ? undefined : accountSummary(accounts),
    units: { ...units, applied: live && options.dryRun !== true },
    scripts,
    secrets: secrets === undefined ? undefined : secretsReport(secrets),
    warnings: [...warnings, ...left],
  });
  if (options.dryRun === true) return report(next.activationScripts.map(({ name }) => ({ name, output: "" })), []);

  // From here on every change is covered by the journal.
  removeTemporaries(target, earlier);
  const journal = journalFor(toplevel, next, unionCreated(createdBefore, accounts?.created), earlier);
  writeJournal(target, journal);
  let result: ActivationReport;
  const secretsUndo: SecretsUndo | undefined = secrets === undefined ? undefined : secretsUndoFor(secrets);
  try {
    if (live && options.atBoot !== true) stopUnits(units);
    if (accounts !== undefined && accountsBefore !== undefined) {
      writeAccountFiles(target, accounts.files, accountsBefore);
      writeCreatedAccounts(target, accounts.created);
      createHomes(target, accounts);
    }
    const left = applyFileChanges(target.filesDir, files, ownerLookup(target));
    // With the files, before the units that may load what they link to start.
    applyRuntimeLinks(target, runtimeLinks);
    // After the accounts that own them, before the units that read them start.
    if (secrets !== undefined && secretsUndo !== undefined) installSecrets(target, secrets, ownerLookup(target), secretsUndo);
    if (live) (options.atBoot === true ? queueUnits : startUnits)(units);
    const scripts = runActivationScripts(next.activationScripts, target);
    setActiveGeneration(target, toplevel, options.registerRoot);
    result = report(scripts, left);
  } catch (error) {
    const problems = restore(target, next, previous.manifest, journal, accountsBefore, createdBefore, accounts);
    try {
      if (target.kind === "machine") applyRuntimeLinks(target, planRuntimeLinks(next, previous.manifest ?? {}, earlier?.runtimeLinks));
    } catch (linkError) {
      problems.push(`run-time links: ${(linkError as Error).message}`);
    }
    if (secretsUndo !== undefined) {
      try {
        restoreSecrets(secretsUndo);
      } catch (undoError) {
        problems.push(`secrets: ${(undoError as Error).message}`);
      }
    }
    if (previous.path === undefined) clearActiveGeneration(target);
    // Put back exactly as it was, with nothing an earlier interruption left: no journal is needed any more.
    if (problems.length === 0 && earlier === undefined) clearJournal(target);
    const cause = error instanceof Error ? error.message : String(error);
    const state =
      problems.length > 0
        ? `and putting back the previous state failed too: ${problems.join("; ")}`
        : previous.path === undefined
          ? "the files and accounts it had put in place were removed again"
          : `${previous.path} is still the active generation`;
    throw new ActivationError(`activating ${toplevel} failed (${state}): ${cause}`, { cause: error });
  }
  options.commit?.();
  clearJournal(target);
  return result;
}

/** Puts back the previous generation's files and the account files as they were; returns what could not be. */
function restore(
  target: ActivationTarget,
  next: ActivationManifest,
  previous: ActivationManifest | undefined,
  journal: ActivationJournal,
  accountsBefore: AccountFiles | undefined,
  createdBefore: CreatedAccounts,
  accounts: AccountChanges | undefined,
): string[] {
  const problems: string[] = [];
  try {
    applyFileChanges(target.filesDir, planFileChanges(target.filesDir, next, previous, journal.files));
  } catch (error) {
    problems.push(`files: ${(error as Error).message}`);
  }
  if (accountsBefore !== undefined && accounts !== undefined) {
    try {
      writeAccountFiles(target, accountsBefore, accounts.files);
      writeCreatedAccounts(target, createdBefore);
    } catch (error) {
      problems.push(`accounts: ${(error as Error).message}`);
    }
  }
  return problems;
}
