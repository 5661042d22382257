/**
 * The users (or groups) two generations declare, compared by name and
 * field by field, so a diff says "alice: shell /bin/sh → /bin/bash" rather
 * than that the account changed.
 */
import type { ManagedGroup, ManagedUser } from "@kiln/formats";

/** One field of an account that differs. */
export interface ChangedField {
  /** The field's name in the manifest (`shell`, `extraGroups`, `gid`, …). */
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** An account both generations declare, differently. */
export interface ChangedAccount {
  readonly name: string;
  readonly fields: readonly ChangedField[];
}

/** The users or groups of two generations. */
export interface AccountsDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly ChangedAccount[];
}

/** Compares two sets of declared users or groups. */
export function diffAccounts(before: Readonly<Record<string, ManagedUser | ManagedGroup>>, after: Readonly<Record<string, ManagedUser | ManagedGroup>>): AccountsDiff {
  const changed: ChangedAccount[] = [];
  for (const name of Object.keys(after).sort()) {
    const previous = before[name];
    const next = after[name];
    if (previous === undefined || next === undefined) continue;
    const fields: ChangedField[] = [];
    for (const field of [...new Set([...Object.keys(previous), ...Object.keys(next)])]) {
      const old = (previous as unknown as Record<string, unknown>)[field];
      const now = (next as unknown as Record<string, unknown>)[field];
      if (JSON.stringify(old) !== JSON.stringify(now)) fields.push({ field, before: old ?? null, after: now ?? null });
    }
    if (fields.length > 0) changed.push({ name, fields });
  }
  return {
    added: Object.keys(after).filter((name) => !(name in before)).sort(),
    removed: Object.keys(before).filter((name) => !(name in after)).sort(),
    changed,
  };
}
