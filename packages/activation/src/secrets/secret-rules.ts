/**
 * The recipients of a project's secret files: `secrets.ts` (agenix's
 * `secrets.nix`), whose default export maps each age file, relative to
 * `secrets.ts`, to the public keys that may decrypt it:
 *
 * ```ts
 * const alice = "ssh-ed25519 AAAA… alice@laptop";
 * const web1 = "ssh-ed25519 AAAA… root@web1";
 * export default { "db-password.age": { publicKeys: [alice, web1] } };
 * ```
 *
 * `kiln secrets edit` encrypts a file for its entry's keys, and `kiln
 * secrets rekey` encrypts every listed file again after keys change.
 */
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { SecretDeclarationError } from "@kiln/formats";

/** One age file's recipients. */
export interface SecretRule {
  /** Public keys (`ssh-ed25519 …` or `age1…`) the file is encrypted for. */
  readonly publicKeys: readonly string[];
}

/** `secrets.ts`'s default export: age files (relative to it) and their recipients. */
export type SecretRules = Readonly<Record<string, SecretRule>>;

/** The file name of the rules. */
export const SECRET_RULES_FILE = "secrets.ts";

/** A recipient age accepts: an age key, or an SSH ed25519 or RSA public key. */
const RECIPIENT = /^(age1[0-9a-z]+|ssh-(ed25519|rsa) [A-Za-z0-9+/=]+( .*)?)$/;

/** Checks the loaded default export of the rules file `file`. */
export function checkSecretRules(value: unknown, file: string): SecretRules {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SecretDeclarationError(`${file}: the default export must map age files to their recipients, e.g. { "db.age": { publicKeys: [alice, host] } }`);
  }
  for (const [name, rule] of Object.entries(value as Record<string, unknown>)) {
    const keys = (rule as { publicKeys?: unknown } | null)?.publicKeys;
    if (!Array.isArray(keys) || keys.length === 0) throw new SecretDeclarationError(`${file}: '${name}' needs publicKeys, a non-empty list of public keys`);
    for (const key of keys) {
      if (typeof key !== "string" || !RECIPIENT.test(key.trim())) {
        throw new SecretDeclarationError(`${file}: '${name}': ${JSON.stringify(key)} is not a public key age accepts ('age1…', or 'ssh-ed25519 AAAA…' as in a .pub file)`);
      }
    }
  }
  return value as SecretRules;
}

/** The nearest `secrets.ts` in the directory of `file` or above it, or `undefined`. */
export function findSecretRules(file: string): string | undefined {
  for (let directory = dirname(resolve(file)); ; directory = dirname(directory)) {
    const candidate = join(directory, SECRET_RULES_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(directory) === directory) return undefined;
  }
}

/** The recipients of the age file `file` under the rules in `rulesFile`. */
export function recipientsOf(rules: SecretRules, rulesFile: string, file: string): readonly string[] {
  const key = relative(dirname(rulesFile), resolve(file));
  const rule = rules[key] ?? rules[`./${key}`];
  if (rule === undefined) {
    const listed = Object.keys(rules);
    throw new SecretDeclarationError(`${file} is not listed in ${rulesFile}${listed.length === 0 ? "" : ` (it lists ${listed.join(", ")})`}: add "${key}": { publicKeys: [...] } to say who may decrypt it`);
  }
  return rule.publicKeys;
}
