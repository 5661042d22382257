/**
 * What a target remembers between activations, in its state directory:
 * `active`, a link to the generation whose files and accounts are in place
 * now (a garbage-collector root, like NixOS's `/run/current-system` but
 * kept across reboots, since the next activation needs it to know which
 * files are Kiln's), and `accounts.json`, the users and groups Kiln created.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { replaceSymlinkAtomically, writeFileAtomically } from "@kiln/formats";
import type { CreatedAccounts } from "./account-changes.js";
import type { ActivationTarget } from "./activation-target.js";

/**
 * Registers a link as a garbage-collector root of the store its target is
 * in, synchronously, while activation runs. A store whose registration is
 * asynchronous (a realiser's `addRoot`) registers after activation instead,
 * with `registerTargetRoots`.
 */
export type RegisterRoot = (link: string, target: string) => void;

/** The link to the active generation. */
export function activeLink(target: ActivationTarget): string {
  return join(target.stateDir, "active");
}

/** The store path of the active generation, if any. */
export function activeGeneration(target: ActivationTarget): string | undefined {
  try {
    return readlinkSync(activeLink(target));
  } catch {
    return undefined;
  }
}

/** Points the active link at `toplevel` (replacing it atomically) and registers it as a root. */
export function setActiveGeneration(target: ActivationTarget, toplevel: string, registerRoot: RegisterRoot | undefined): void {
  const link = activeLink(target);
  if (registerRoot !== undefined) {
    mkdirSync(dirname(link), { recursive: true });
    registerRoot(link, toplevel);
    return;
  }
  mkdirSync(dirname(link), { recursive: true });
  replaceSymlinkAtomically(link, toplevel);
}

/** Removes the active link (after a first activation failed). */
export function clearActiveGeneration(target: ActivationTarget): void {
  const link = activeLink(target);
  if (existsSync(link) || isLink(link)) rmSync(link, { force: true });
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function accountsFile(target: ActivationTarget): string {
  return join(target.stateDir, "accounts.json");
}

/** The accounts Kiln created in the target's root. */
export function readCreatedAccounts(target: ActivationTarget): CreatedAccounts {
  try {
    const parsed = JSON.parse(readFileSync(accountsFile(target), "utf8")) as Partial<CreatedAccounts>;
    return { users: Array.isArray(parsed.users) ? parsed.users : [], groups: Array.isArray(parsed.groups) ? parsed.groups : [] };
  } catch {
    return { users: [], groups: [] };
  }
}

/** Records the accounts Kiln created. */
export function writeCreatedAccounts(target: ActivationTarget, created: CreatedAccounts): void {
  writeFileAtomically(accountsFile(target), `${JSON.stringify(created, null, 2)}\n`);
}
