/**
 * The activation manifest of a machine (`kiln-activation.json`, the
 * contract in `@kiln/core`'s `activation-manifest.ts`): its files from
 * `environment.etc`, its accounts from `users`, its activation scripts in
 * order, and its packages, read from the evaluated configuration; and the
 * packages whose own system accounts activation adds (`accountsFrom`).
 */
import { ACTIVATION_MANIFEST_VERSION, type ActivationManifest, type Secret, type SecretTemplate } from "@kiln/formats";
import type { PackageValue } from "../../types/primitive-types.js";
import type { MachinePackageSet } from "../../target/package-set.js";
import { manifestPackage, packagePath } from "../../target/package-values.js";
import { activationScripts, type ActivationSnippet } from "../../target/activation-snippets.js";
import { managedGroups, managedUsers, type UserAccount, type UserGroup } from "./managed-accounts.js";
import { managedFiles, type EtcEntry } from "./managed-files.js";
import { manifestSecrets } from "../../target/manifest-secrets.js";
import type { PackageValue as AgePackage } from "../../types/primitive-types.js";

/** The part of a machine's configuration the manifest is made from. */
export interface ManifestConfig {
  readonly system: { readonly name: string; readonly activationScripts: Readonly<Record<string, ActivationSnippet>> };
  readonly environment: { readonly etc: Readonly<Record<string, EtcEntry>>; readonly systemPackages: readonly PackageValue[] };
  readonly users: { readonly users: Readonly<Record<string, UserAccount>>; readonly groups: Readonly<Record<string, UserGroup>>; readonly defaultUserShell: PackageValue; readonly accountsFromPackages: readonly PackageValue[] };
  readonly secrets: { readonly files: readonly Secret[]; readonly templates: readonly SecretTemplate[]; readonly hostKeys: readonly string[]; readonly age: AgePackage | null };
}

/** The manifest's `accountsFrom`: each package's path once, and nothing when there is none. */
function accountsFrom(packages: readonly PackageValue[]): { accountsFrom?: string[] } {
  const paths = [...new Set(packages.map(packagePath))];
  return paths.length === 0 ? {} : { accountsFrom: paths };
}

/** The manifest of the machine configured by `config`. */
export function machineManifest(pkgs: MachinePackageSet, config: ManifestConfig): ActivationManifest {
  const secrets = manifestSecrets({
    files: config.secrets.files,
    templates: config.secrets.templates,
    identities: config.secrets.hostKeys,
    age: config.secrets.age,
    used: Object.values(config.users.users).flatMap((user) => (user.hashedPasswordFile === null ? [] : [user.hashedPasswordFile])),
    option: "secrets",
  });
  return {
    version: ACTIVATION_MANIFEST_VERSION,
    kind: "machine",
    name: config.system.name,
    files: managedFiles(config.environment.etc),
    users: managedUsers(config.users.users, config.users.defaultUserShell),
    groups: managedGroups(config.users.groups),
    activationScripts: activationScripts(pkgs, config.system.activationScripts),
    packages: config.environment.systemPackages.map(manifestPackage),
    ...accountsFrom([...config.environment.systemPackages, ...config.users.accountsFromPackages]),
    ...(secrets === undefined ? {} : { secrets }),
  };
}
