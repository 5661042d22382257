/**
 * Reading `kiln-activation.json` from a toplevel (or a home's activation
 * package) and checking it, since activation acts on every path it names:
 * a manifest written by another Kiln version, or edited by hand, fails here
 * with the field at fault instead of half-way through activation.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ActivationManifestError } from "./activation-errors.js";
import { withPackageAccounts } from "./package-accounts.js";
import { ACTIVATION_MANIFEST_FILE, ACTIVATION_MANIFEST_VERSION, type ActivationManifest } from "@kiln/formats";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A managed path must stay inside its target directory. */
function isCleanRelativePath(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\0")) return false;
  return path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

/** A user or group name as shadow's `NAME_REGEX` allows it (a trailing `$` for machine accounts). */
function isAccountName(name: string): boolean {
  return name.length <= 32 && /^[a-z_][a-z0-9_.-]*\$?$/i.test(name);
}

function isId(value: unknown): boolean {
  return value === null || (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < 2 ** 32 - 1);
}

/** The characters that would split or end a line of `/etc/passwd`. */
const FIELD_BREAKERS = /[:\n\r\0]/;

function describeBreaker(text: string): string {
  const found = FIELD_BREAKERS.exec(text)?.[0] ?? "";
  return found === ":" ? "':'" : found === "\0" ? "a NUL character" : "a line break";
}

/** The fields of a user become one line of `/etc/passwd`: none may add fields or lines, and the home must be an absolute path without `.` or `..`. */
function checkUser(name: string, user: Record<string, unknown>, where: string): void {
  check(isId(user["uid"]), where, `users.${name}.uid must be a number or null`);
  for (const field of ["description", "home", "shell"] as const) {
    const value = user[field];
    check(typeof value === "string", where, `users.${name}.${field} must be a string`);
    check(!FIELD_BREAKERS.test(value as string), where, `users.${name}.${field} is ${JSON.stringify(value)}, which holds ${describeBreaker(value as string)}: it would corrupt /etc/passwd`);
  }
  const home = user["home"] as string;
  const inside = home.slice(1).replace(/\/$/, "");
  check(home === "/" || (home.startsWith("/") && isCleanRelativePath(inside)), where, `users.${name}.home is ${JSON.stringify(home)}: a home must be an absolute path without '.', '..' or empty segments`);
  check(isAccountName(user["group"] as string), where, `users.${name}.group: ${JSON.stringify(user["group"])} is not a group name`);
  check(Array.isArray(user["extraGroups"]), where, `users.${name}.extraGroups must be a list`);
  for (const group of user["extraGroups"] as unknown[]) {
    check(typeof group === "string" && isAccountName(group), where, `users.${name}.extraGroups: ${JSON.stringify(group)} is not a group name (no ',' or ':')`);
  }
}

const SECRET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/** Secrets become files named after them in the secrets directory, owned by accounts: names, owners and modes are checked. */
function checkSecrets(value: unknown, users: Record<string, Record<string, unknown>>, where: string): void {
  check(isRecord(value) && (value["age"] === null || typeof value["age"] === "string") && Array.isArray(value["identities"]) && isRecord(value["secrets"]) && isRecord(value["templates"]), where, `"secrets" needs "age", "identities", "secrets" and "templates"`);
  const secrets = value as Record<string, Record<string, unknown>>;
  for (const identity of secrets["identities"] as unknown as unknown[]) check(typeof identity === "string" && identity !== "" && !identity.includes("\0"), where, `secrets.identities: ${JSON.stringify(identity)} is not a path`);
  for (const kind of ["secrets", "templates"] as const) {
    for (const [name, entry] of Object.entries(secrets[kind] ?? {})) {
      check(SECRET_NAME.test(name) && name !== "rendered", where, `secrets.${kind}: '${name}' is not usable as a file name`);
      check(isRecord(entry) && isAccountName(String(entry["owner"])) && isAccountName(String(entry["group"])), where, `secrets.${kind}.${name} needs "owner" and "group" account names`);
      check(typeof (entry as Record<string, unknown>)["mode"] === "string" && /^0?[0-7]{3}$/.test((entry as Record<string, string>)["mode"] ?? ""), where, `secrets.${kind}.${name}.mode must be an octal mode such as "0400"`);
      check(Array.isArray((entry as Record<string, unknown>)["restartUnits"]), where, `secrets.${kind}.${name}.restartUnits must be a list`);
      if (kind === "secrets") check(typeof (entry as Record<string, unknown>)["source"] === "string" && ((entry as Record<string, string>)["source"] ?? "").startsWith("/"), where, `secrets.secrets.${name}.source must be an absolute store path`);
      else {
        const template = entry as Record<string, unknown>;
        check(typeof template["text"] === "string" && Array.isArray(template["secrets"]), where, `secrets.templates.${name} needs "text" and "secrets"`);
        for (const used of template["secrets"] as unknown[]) check(typeof used === "string" && used in (secrets["secrets"] ?? {}), where, `secrets.templates.${name} uses ${JSON.stringify(used)}, which is not in secrets.secrets`);
      }
    }
  }
  for (const [name, user] of Object.entries(users)) {
    const hashed = user["hashedPasswordSecret"];
    if (hashed !== undefined) check(typeof hashed === "string" && hashed in (secrets["secrets"] ?? {}), where, `users.${name}.hashedPasswordSecret: ${JSON.stringify(hashed)} is not in secrets.secrets`);
  }
}

function check(condition: boolean, where: string, what: string): void {
  if (!condition) throw new ActivationManifestError(`${where}: ${what}`);
}

/** Checks the shape of a parsed manifest; `where` names it in errors. */
export function validateActivationManifest(value: unknown, where: string): ActivationManifest {
  check(isRecord(value), where, "the manifest is not a JSON object");
  const manifest = value as Record<string, unknown>;
  check(
    manifest["version"] === ACTIVATION_MANIFEST_VERSION,
    where,
    `manifest version ${JSON.stringify(manifest["version"])} is not ${ACTIVATION_MANIFEST_VERSION}, the version this Kiln reads; rebuild the configuration with this Kiln`,
  );
  check(manifest["kind"] === "machine" || manifest["kind"] === "home", where, `"kind" must be "machine" or "home"`);
  check(typeof manifest["name"] === "string", where, `"name" must be a string`);
  check(isRecord(manifest["files"]), where, `"files" must be an object`);
  for (const [path, file] of Object.entries(manifest["files"] as Record<string, unknown>)) {
    check(isCleanRelativePath(path), where, `files: '${path}' is not a relative path without '.' or '..' segments`);
    check(isRecord(file) && typeof file["source"] === "string" && file["source"].startsWith("/"), where, `files.${path}.source must be an absolute store path`);
    const mode = (file as Record<string, unknown>)["mode"];
    check(mode === "symlink" || (typeof mode === "string" && /^0?[0-7]{3,4}$/.test(mode)), where, `files.${path}.mode must be "symlink" or an octal mode such as "0644"`);
  }
  check(isRecord(manifest["users"]) && isRecord(manifest["groups"]), where, `"users" and "groups" must be objects`);
  for (const [name, user] of Object.entries(manifest["users"] as Record<string, unknown>)) {
    check(isAccountName(name), where, `users: '${name}' is not a valid user name (letters, digits, '_', '.', '-', at most 32 characters, not starting with a digit or '-')`);
    check(isRecord(user) && typeof user["group"] === "string" && typeof user["home"] === "string" && typeof user["shell"] === "string", where, `users.${name} needs "group", "home" and "shell"`);
    checkUser(name, user as Record<string, unknown>, where);
  }
  for (const [name, group] of Object.entries(manifest["groups"] as Record<string, unknown>)) {
    check(isAccountName(name) && !name.endsWith("$"), where, `groups: '${name}' is not a valid group name (letters, digits, '_', '.', '-', at most 32 characters, not starting with a digit or '-')`);
    check(isRecord(group) && isId(group["gid"]) && Array.isArray(group["members"]), where, `groups.${name} needs "gid" (a number or null) and "members" (a list)`);
    for (const member of (group as Record<string, unknown[]>)["members"] ?? []) {
      check(typeof member === "string" && isAccountName(member), where, `groups.${name}.members: ${JSON.stringify(member)} is not a user name; a member list holds names only (no ',' or ':'), one per entry`);
    }
  }
  check(Array.isArray(manifest["activationScripts"]), where, `"activationScripts" must be a list`);
  for (const script of manifest["activationScripts"] as unknown[]) {
    check(isRecord(script) && typeof script["name"] === "string" && typeof script["script"] === "string", where, `each activation script needs "name" and "script"`);
  }
  check(Array.isArray(manifest["packages"]), where, `"packages" must be a list`);
  const accountsFrom = manifest["accountsFrom"];
  check(accountsFrom === undefined || (Array.isArray(accountsFrom) && accountsFrom.every((path) => typeof path === "string" && path.startsWith("/"))), where, `"accountsFrom" must be a list of absolute store paths`);
  if (manifest["secrets"] !== undefined) checkSecrets(manifest["secrets"], manifest["users"] as Record<string, Record<string, unknown>>, where);
  else {
    for (const [name, user] of Object.entries(manifest["users"] as Record<string, Record<string, unknown>>)) {
      check(user["hashedPasswordSecret"] === undefined, where, `users.${name}.hashedPasswordSecret names a secret, but the manifest has no "secrets"`);
    }
  }
  return value as unknown as ActivationManifest;
}

/** Reads and checks the manifest of the toplevel at `toplevel`. */
export function readActivationManifest(toplevel: string): ActivationManifest {
  const file = join(toplevel, ACTIVATION_MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new ActivationManifestError(`${toplevel} is not a machine or home: it has no ${ACTIVATION_MANIFEST_FILE} (build 'machines.NAME' or 'homes.NAME' of a project file)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ActivationManifestError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  // The packages' accounts are checked as the declared ones are: a package's file cannot corrupt /etc/passwd either.
  return validateActivationManifest(withPackageAccounts(validateActivationManifest(parsed, file)), file);
}
