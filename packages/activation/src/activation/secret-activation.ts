/**
 * Secrets at activation, as agenix's and sops-nix's activation scripts
 * install them: each secret of the generation is decrypted with the host's
 * key (a home's: the user's) into a RAM-backed directory, `/run/kiln/secrets`
 * (`$XDG_RUNTIME_DIR/kiln/secrets` for a home), with its owner, group and
 * mode, and each template is rendered into `rendered/` there.
 *
 * Every secret is decrypted, and every template rendered, in memory while
 * activation plans, before anything changes: a secret that cannot be
 * decrypted stops the switch, naming the secret and the keys tried. The
 * files are written after the accounts (whose names own them) and `/etc`,
 * before units start; what they replaced is kept in memory so that a failed
 * activation puts it back. A secret whose content changed restarts the
 * units that name its path (or list it in `restartUnits`).
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { isAbsolute, join } from "node:path";
import { ageDecrypt } from "../secrets/age.js";
import { AgeError, secretPlaceholder, writeFileAtomically, getStoreDir, type ActivationManifest } from "@kiln/formats";
import { ActivationError } from "./activation-errors.js";
import { isLiveMachine, type ActivationTarget } from "./activation-target.js";
import type { AccountFiles } from "./account-changes.js";
import { accountLine, formatAccountFile, parseAccountFile } from "./account-files.js";
import type { OwnerLookup } from "./apply-file-changes.js";

/** The secrets directory's mode: others may pass through to a file they own, not list the names. */
const DIRECTORY_MODE = 0o751;

/** A secret could not be decrypted, or its content cannot be used; nothing was changed. */
export class SecretActivationError extends ActivationError {
  override name = "SecretActivationError";
}

/** One file to write: a secret (`NAME`) or a rendered template (`rendered/NAME`). */
interface SecretFile {
  readonly content: Buffer;
  readonly owner: string;
  readonly group: string;
  readonly mode: number;
  readonly restartUnits: readonly string[];
  /** The path units name it by. */
  readonly runtimePath: string;
}

/** The decrypted secrets of a generation, ready to be written. */
export interface PlannedSecrets {
  /** The secrets directory on this target. */
  readonly directory: string;
  /** Files by path relative to the directory. */
  readonly files: ReadonlyMap<string, SecretFile>;
  /** Password hashes by user name (`hashedPasswordFile`). */
  readonly passwordHashes: ReadonlyMap<string, string>;
  /** Files whose content is new or differs from what is there. */
  readonly changed: readonly string[];
  /** Files there that the generation no longer has. */
  readonly removed: readonly string[];
}

/** What {@link installSecrets} replaced, to put back. */
export interface SecretsUndo {
  readonly directory: string;
  readonly before: ReadonlyMap<string, { readonly content: Buffer; readonly mode: number; readonly uid: number; readonly gid: number }>;
  readonly written: string[];
}

/** The secrets report of an activation. */
export interface SecretsReport {
  readonly directory: string;
  /** Files in place (secrets, and `rendered/` templates). */
  readonly installed: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

/** Where a target's secrets go: inside the root for a machine, the user's runtime directory for a home. */
export function secretsDirectory(target: ActivationTarget): string {
  if (target.kind === "machine") return join(target.root, "run", "kiln", "secrets");
  const runtime = process.env["XDG_RUNTIME_DIR"];
  if (runtime === undefined || runtime === "") {
    throw new SecretActivationError(`the home's secrets go to $XDG_RUNTIME_DIR/kiln/secrets, but XDG_RUNTIME_DIR is not set; log in through a session that sets it (systemd-logind does), or set it`);
  }
  return join(runtime, "kiln", "secrets");
}

/** The relative paths of the files in the secrets directory (and `rendered/`). */
function filesIn(directory: string): string[] {
  const found: string[] = [];
  for (const sub of ["", "rendered"]) {
    let names: string[];
    try {
      names = readdirSync(join(directory, sub));
    } catch {
      continue;
    }
    for (const name of names) {
      const relative = sub === "" ? name : `${sub}/${name}`;
      if (relative === "rendered" || name.includes(".kiln-tmp-")) continue;
      found.push(relative);
    }
  }
  return found.sort();
}

function readIfThere(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** A password hash goes into one field of `/etc/shadow`: it must not split the line. */
function passwordHash(content: Buffer, user: string, secret: string): string {
  const hash = content.toString("utf8").replace(/\r?\n$/, "");
  if (hash === "" || /[:\n\r\0]/.test(hash)) {
    throw new SecretActivationError(`users.users.${user}.hashedPasswordFile: secret '${secret}' must hold one password hash (as 'mkpasswd' prints it), without ':' or line breaks; nothing was changed`);
  }
  return hash;
}

/**
 * Decrypts the secrets of `manifest` and renders its templates, in memory;
 * fails with {@link SecretActivationError} before anything changes.
 */
export function planSecrets(manifest: ActivationManifest, target: ActivationTarget): PlannedSecrets | undefined {
  const declared = manifest.secrets;
  if (declared === undefined) {
    // A generation without secrets removes those an earlier one left.
    let directory: string;
    try {
      directory = secretsDirectory(target);
    } catch {
      return undefined;
    }
    const removed = filesIn(directory);
    return removed.length === 0 ? undefined : { directory, files: new Map(), passwordHashes: new Map(), changed: [], removed };
  }
  const directory = secretsDirectory(target);
  // A machine's keys are those of the root activated into (its /etc/ssh); a home's are the user's own files.
  const identities = declared.identities.map((identity) => (target.kind === "machine" || !isAbsolute(identity) ? join(target.root, identity) : identity));
  const usable = identities.filter((identity) => existsSync(identity));
  const runtime = target.kind === "machine" ? "/run/kiln/secrets" : "$XDG_RUNTIME_DIR/kiln/secrets";
  const files = new Map<string, SecretFile>();
  const contents = new Map<string, Buffer>();
  for (const [name, secret] of Object.entries(declared.secrets)) {
    if (usable.length === 0) {
      throw new SecretActivationError(`secret '${name}' cannot be decrypted: no key to decrypt it with (tried ${identities.join(", ") || "none"}; none exists); nothing was changed`);
    }
    let content: Buffer;
    try {
      content = ageDecrypt(secret.source, usable, { ...(declared.age === null ? {} : { program: declared.age }), what: `secret '${name}' (${secret.source}) cannot be decrypted with the key${usable.length === 1 ? "" : "s"} ${usable.join(", ")}` });
    } catch (error) {
      if (error instanceof AgeError) throw new SecretActivationError(`${error.message}; nothing was changed (is the file encrypted for this ${target.kind === "machine" ? "host's" : "user's"} public key? run 'kiln secrets rekey' after adding it)`);
      throw error;
    }
    contents.set(name, content);
    files.set(name, { content, owner: secret.owner, group: secret.group, mode: parseInt(secret.mode, 8), restartUnits: secret.restartUnits, runtimePath: `${runtime}/${name}` });
  }
  for (const [name, template] of Object.entries(declared.templates)) {
    let text = template.text;
    for (const used of template.secrets) text = text.split(secretPlaceholder(used)).join(contents.get(used)?.toString("utf8") ?? "");
    files.set(`rendered/${name}`, { content: Buffer.from(text, "utf8"), owner: template.owner, group: template.group, mode: parseInt(template.mode, 8), restartUnits: template.restartUnits, runtimePath: `${runtime}/rendered/${name}` });
  }
  const passwordHashes = new Map<string, string>();
  for (const [user, account] of Object.entries(manifest.users)) {
    if (account.hashedPasswordSecret === undefined) continue;
    passwordHashes.set(user, passwordHash(contents.get(account.hashedPasswordSecret) ?? Buffer.alloc(0), user, account.hashedPasswordSecret));
  }
  const changed = [...files].filter(([relative, file]) => !(readIfThere(join(directory, relative))?.equals(file.content) ?? false)).map(([relative]) => relative);
  const removed = filesIn(directory).filter((relative) => !files.has(relative));
  return { directory, files, passwordHashes, changed: changed.sort(), removed };
}

/** Sets the password field of `/etc/shadow` for users whose hash comes from a secret (adding their line if the root has no shadow line for them). */
export function withPasswordHashes(files: AccountFiles, hashes: ReadonlyMap<string, string>, now = new Date()): AccountFiles {
  if (hashes.size === 0) return files;
  const lines = parseAccountFile(files.shadow ?? "");
  for (const [user, hash] of hashes) {
    const line = lines.find((entry) => entry.name === user);
    if (line === undefined) lines.push(accountLine([user, hash, String(Math.floor(now.getTime() / 86_400_000)), "0", "99999", "7", "", "", ""]));
    else line.fields[1] = hash;
  }
  return { ...files, shadow: formatAccountFile(lines) };
}

/** Fails, before any change, when a secret is to be owned by a user or group the root will not have. */
export function checkSecretOwners(planned: PlannedSecrets, accounts: AccountFiles): void {
  const users = new Set(parseAccountFile(accounts.passwd).map((line) => line.name));
  const groups = new Set(parseAccountFile(accounts.group).map((line) => line.name));
  for (const [relative, file] of planned.files) {
    const missing = !users.has(file.owner) ? `user '${file.owner}'` : !groups.has(file.group) ? `group '${file.group}'` : undefined;
    if (missing !== undefined) {
      throw new SecretActivationError(`${relative.startsWith("rendered/") ? "template" : "secret"} '${relative.replace(/^rendered\//, "")}' is to be owned by ${missing}, which is neither declared (users.users, users.groups) nor in the root's /etc; nothing was changed`);
    }
  }
}

/**
 * The units to restart because a secret or template they use changed: those
 * listed in its `restartUnits`, and those whose unit file names its path.
 */
export function unitsUsingChangedSecrets(planned: PlannedSecrets, manifest: ActivationManifest): string[] {
  const restart = new Set<string>();
  const units = Object.entries(manifest.files).filter(([path]) => /^systemd\/system\/[^/]+\.(service|socket|timer|path|mount)$/.test(path) || /^\.config\/systemd\/user\/[^/]+\.(service|socket|timer|path)$/.test(path));
  for (const relative of planned.changed) {
    const file = planned.files.get(relative);
    if (file === undefined) continue;
    for (const unit of file.restartUnits) restart.add(unit);
    for (const [path, entry] of units) {
      if (mentions(entry.source, file.runtimePath)) restart.add(path.slice(path.lastIndexOf("/") + 1));
    }
  }
  return [...restart].sort();
}

/** Whether the unit file at `unit`, or a store file it names (an `ExecStart` script), mentions `text`. */
function mentions(unit: string, text: string): boolean {
  const content = readIfThere(unit)?.toString("utf8");
  if (content === undefined) return false;
  if (content.includes(text)) return true;
  const storeDir = getStoreDir();
  const paths = content.match(new RegExp(`${storeDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/[0-9a-z]{32}-[^\\s"';:]+`, "g")) ?? [];
  return paths.some((path) => {
    try {
      return statSync(path).isFile() && statSync(path).size < 1 << 20 && readFileSync(path, "utf8").includes(text);
    } catch {
      return false;
    }
  });
}

/** Whether `path` is a mount point (so a tmpfs is not mounted twice). */
function isMountPoint(path: string): boolean {
  try {
    return readFileSync("/proc/self/mountinfo", "utf8").split("\n").some((line) => line.split(" ")[4] === path);
  } catch {
    return false;
  }
}

/** The secrets directory, made RAM-backed on the running machine: a tmpfs, as agenix's `/run/agenix.d`. */
function prepareDirectory(target: ActivationTarget, directory: string): void {
  mkdirSync(directory, { recursive: true, mode: DIRECTORY_MODE });
  if (isLiveMachine(target) && !isMountPoint(directory)) {
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "mode=0751,nosuid,nodev,noexec", "kiln-secrets", directory], { encoding: "utf8" });
    if (mounted.status !== 0) throw new ActivationError(`cannot mount a tmpfs on ${directory} for the secrets: ${(mounted.stderr || String(mounted.error ?? "")).trim()}`);
  }
  chmodSync(directory, DIRECTORY_MODE);
  mkdirSync(join(directory, "rendered"), { recursive: true, mode: DIRECTORY_MODE });
  chmodSync(join(directory, "rendered"), DIRECTORY_MODE);
}

/** What the files {@link installSecrets} will replace or remove hold now, read before anything is written. */
export function secretsUndoFor(planned: PlannedSecrets): SecretsUndo {
  const before = new Map<string, { content: Buffer; mode: number; uid: number; gid: number }>();
  for (const relative of [...planned.changed, ...planned.removed]) {
    const path = join(planned.directory, relative);
    const content = readIfThere(path);
    if (content === undefined) continue;
    const stats = statSync(path);
    before.set(relative, { content, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid });
  }
  return { directory: planned.directory, before, written: [] };
}

/** Writes the planned files and removes the ones no longer declared, recording in `undo` (from {@link secretsUndoFor}) what it wrote. */
export function installSecrets(target: ActivationTarget, planned: PlannedSecrets, owner: OwnerLookup | undefined, undo: SecretsUndo): void {
  const { directory } = planned;
  prepareDirectory(target, directory);
  const { written } = undo;
  for (const [relative, file] of planned.files) {
    const path = join(directory, relative);
    const ids = owner?.(file.owner, file.group);
    if (!planned.changed.includes(relative)) {
      // Same content: only owner and mode follow the generation.
      if (ids !== undefined) chownSync(path, ids.uid, ids.gid);
      chmodSync(path, file.mode);
      continue;
    }
    // Recorded first: a write that fails half-way leaves a file to remove.
    written.push(relative);
    writeFileAtomically(path, file.content, file.mode, ids);
  }
  for (const relative of planned.removed) rmSync(join(directory, relative), { force: true, recursive: true });
  // What an activation killed while writing left behind.
  for (const sub of ["", "rendered"]) for (const name of readdirSync(join(directory, sub))) if (name.includes(".kiln-tmp-")) rmSync(join(directory, sub, name), { force: true });
}

/** Puts back what {@link installSecrets} replaced or removed, and removes what it added. */
export function restoreSecrets(undo: SecretsUndo): void {
  for (const relative of undo.written) if (!undo.before.has(relative)) rmSync(join(undo.directory, relative), { force: true });
  for (const [relative, file] of undo.before) {
    const path = join(undo.directory, relative);
    writeFileAtomically(path, file.content, file.mode, process.getuid?.() === 0 ? { uid: file.uid, gid: file.gid } : undefined);
  }
}

/** The report of installed secrets. */
export function secretsReport(planned: PlannedSecrets): SecretsReport {
  return { directory: planned.directory, installed: [...planned.files.keys()].sort(), changed: planned.changed, removed: planned.removed };
}
