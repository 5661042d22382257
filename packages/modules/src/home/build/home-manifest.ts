/**
 * The activation manifest of a home (`kiln-activation.json`, the contract
 * in `@kiln/core`'s `activation-manifest.ts`, `kind: "home"`): its files
 * from `home.file`, relative to the home directory; no users or groups;
 * the `home.activation` snippets in order (written as a machine's are);
 * and `home.packages`.
 */
import { ACTIVATION_MANIFEST_VERSION, type ActivationManifest, type Secret, type SecretTemplate } from "@kiln/formats";
import type { PackageValue } from "../../types/primitive-types.js";
import type { MachinePackageSet } from "../../target/package-set.js";
import { manifestPackage } from "../../target/package-values.js";
import { activationScripts, type ActivationSnippet } from "../../target/activation-snippets.js";
import { managedHomeFiles, type HomeFileEntry } from "./managed-home-files.js";
import { manifestSecrets } from "../../target/manifest-secrets.js";

/** The part of a home's configuration the manifest is made from. */
export interface HomeManifestConfig {
  readonly home: {
    readonly username: string;
    readonly homeDirectory: string;
    readonly file: Readonly<Record<string, HomeFileEntry>>;
    readonly activation: Readonly<Record<string, ActivationSnippet>>;
    readonly packages: readonly PackageValue[];
    readonly secrets: { readonly files: readonly Secret[]; readonly templates: readonly SecretTemplate[]; readonly identities: readonly string[]; readonly age: PackageValue | null };
  };
}

/** The manifest of the home configured by `config`. */
export function homeManifest(pkgs: MachinePackageSet, config: HomeManifestConfig): ActivationManifest {
  const { files, templates, identities, age } = config.home.secrets;
  const secrets = manifestSecrets({ files, templates, identities, age, option: "home.secrets" });
  return {
    version: ACTIVATION_MANIFEST_VERSION,
    kind: "home",
    name: config.home.username,
    files: managedHomeFiles(pkgs, config.home.file, { username: config.home.username, homeDirectory: config.home.homeDirectory }),
    users: {},
    groups: {},
    activationScripts: activationScripts(pkgs, config.home.activation, ["home", "activation"]),
    packages: config.home.packages.map(manifestPackage),
    ...(secrets === undefined ? {} : { secrets }),
  };
}
