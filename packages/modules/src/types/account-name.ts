/**
 * `accountName`: a user or group name as Debian's `adduser` accepts it
 * for system accounts (its `SYS_NAME_REGEX`, the rule of shadow's
 * `useradd` before distributions relaxed it): a lowercase letter or `_`,
 * then lowercase letters, digits, `_` and `-`, optionally a final `$`
 * (Samba machine accounts), at most 32 characters. NixOS checks less (no
 * `:` or newline, under 32 characters); the stricter rule also keeps `,`,
 * which separates the members of a group, out of names.
 */
import { mergeEqualOption } from "./merge-helpers.js";
import { mkOptionType, type OptionType } from "./option-type.js";

/** The longest name `adduser` accepts. */
export const ACCOUNT_NAME_MAX_LENGTH = 32;

const ACCOUNT_NAME = /^[a-z_][a-z0-9_-]*\$?$/;

/** Whether `value` is a valid user or group name (see the file comment). */
export function isAccountName(value: unknown): value is string {
  return typeof value === "string" && value.length <= ACCOUNT_NAME_MAX_LENGTH && ACCOUNT_NAME.test(value);
}

/** A user or group name: a lowercase letter or `_`, then lowercase letters, digits, `_` or `-`, optionally a final `$`; at most 32 characters. */
export const accountName: OptionType<string> = mkOptionType<string>({
  name: "accountName",
  description: `user or group name (a lowercase letter or _, then lowercase letters, digits, _ or -, optionally a final $; at most ${ACCOUNT_NAME_MAX_LENGTH} characters)`,
  check: isAccountName,
  merge: mergeEqualOption,
});
