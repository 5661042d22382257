/**
 * The manifest's `secrets` (the contract in `@kiln/core`'s
 * `activation-manifest.ts`) from a machine's or home's declared secrets,
 * templates and password secrets: every secret a template or a user names is
 * decrypted too, so declaring it once, where it is used, is enough.
 */
import type { ManagedSecrets, Secret, SecretTemplate } from "@kiln/formats";
import type { PackageValue } from "../types/primitive-types.js";
import { packagePath } from "./package-values.js";
import { TargetConfigError } from "./target-config-error.js";

/** The declarations the manifest's secrets are made from. */
export interface DeclaredSecrets {
  readonly files: readonly Secret[];
  readonly templates: readonly SecretTemplate[];
  /** Private keys to decrypt with. */
  readonly identities: readonly string[];
  /** A package with `bin/age`, or `null` for `age` from `PATH`. */
  readonly age: PackageValue | null;
  /** Secrets named elsewhere (a user's `hashedPasswordFile`). */
  readonly used?: readonly Secret[];
  /** The option prefix, for messages: `secrets` or `home.secrets`. */
  readonly option: string;
}

function same(a: Secret, b: Secret): boolean {
  return a.file === b.file && a.owner === b.owner && a.group === b.group && a.mode === b.mode && a.path === b.path;
}

/** The manifest's `secrets`, or `undefined` when there are none. */
export function manifestSecrets(declared: DeclaredSecrets): ManagedSecrets | undefined {
  const secrets = new Map<string, Secret>();
  const add = (secret: Secret): void => {
    const known = secrets.get(secret.name);
    if (known !== undefined && !same(known, secret)) {
      throw new TargetConfigError(`${declared.option}: two different secrets are named '${secret.name}' (${known.file} and ${secret.file}); each secret needs a name of its own, its file name under the secrets directory`);
    }
    secrets.set(secret.name, secret);
  };
  for (const secret of declared.files) add(secret);
  for (const template of declared.templates) for (const secret of template.secrets.values()) add(secret);
  for (const secret of declared.used ?? []) add(secret);
  const templates = new Map<string, SecretTemplate>();
  for (const template of declared.templates) {
    if (templates.has(template.name) && templates.get(template.name) !== template) throw new TargetConfigError(`${declared.option}.templates: two templates are named '${template.name}'`);
    templates.set(template.name, template);
  }
  if (secrets.size === 0 && templates.size === 0) return undefined;
  const sorted = <T>(map: Map<string, T>): [string, T][] => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    age: declared.age === null ? null : `${packagePath(declared.age)}/bin/age`,
    identities: [...declared.identities],
    secrets: Object.fromEntries(sorted(secrets).map(([name, secret]) => [name, { source: secret.file, owner: secret.owner, group: secret.group, mode: secret.mode, restartUnits: [...secret.restartUnits] }])),
    templates: Object.fromEntries(
      sorted(templates).map(([name, template]) => [name, { text: template.text, secrets: [...template.secrets.keys()].sort(), owner: template.owner, group: template.group, mode: template.mode, restartUnits: [...template.restartUnits] }]),
    ),
  };
}
