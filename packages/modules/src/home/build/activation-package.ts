/**
 * `home.build.activationPackage`: the whole home as one derivation, what
 * `kiln build` builds and `kiln switch --home` activates (home-manager's
 * `home.activationPackage`). Its output holds
 *
 * - `kiln-activation.json`: the activation manifest (`home-manifest.ts`);
 * - `home-path`: a link to `home.path`, the installed packages;
 * - `home-files/`: a tree of links mirroring the manifest's files, to browse;
 * - `config.json`: the evaluated configuration (the machine's `config-json.ts`).
 *
 * Every store path the manifest names is written into the output, so it is
 * a reference: the generation's closure holds all it links to. Building it
 * checks the assertions first, as the machine's toplevel does.
 */
import { ACTIVATION_MANIFEST_FILE, type Derivation } from "@kiln/core";
import { AssertionsFailedError } from "../../errors/assertions-failed-error.js";
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { types } from "../../types/index.js";
import type { PackageValue } from "../../types/primitive-types.js";
import { located } from "../../machine/module-file.js";
import { machinePackageSet, type MachinePackageSet } from "../../machine/package-set.js";
import { storePathName } from "../../machine/package-values.js";
import { configJson } from "../../machine/system/config-json.js";
import { homeAccountOptions, homeUsernameOptions } from "../account/home-account.js";
import { homeActivationOptions } from "../activation/home-activation.js";
import { homeFileOptions } from "../files/home-file.js";
import { homePackagesOptions } from "../packages/home-packages.js";
import { homeManifest, type HomeManifestConfig } from "./home-manifest.js";
import { homeSecretsOptions } from "../secrets/home-secrets.js";

const FILE = "@kiln/modules/home/build/activation-package.ts";

/** The option `home.build.activationPackage`. */
export const activationPackageOptions = defineModule({
  _file: FILE,
  options: {
    home: {
      build: {
        activationPackage: mkOption({
          type: types.package,
          readOnly: true,
          description: "The home as one derivation: the activation manifest, the installed packages (`home-path`), the home's files and the configuration. `kiln build` builds it, `kiln switch --home` activates it.",
        }),
      },
    },
  },
});

/** The builder: copy the manifest and configuration, link `home-path` and the `home-files` tree. */
const ACTIVATION_PACKAGE_SCRIPT = `mkdir -p "$out/home-files"
cp "$manifestPath" "$out/${ACTIVATION_MANIFEST_FILE}"
cp "$homeConfigPath" "$out/config.json"
ln -s "$homePath" "$out/home-path"
while IFS=$'\\t' read -r target source; do
    [ -n "$target" ] || continue
    mkdir -p "$(dirname "$out/home-files/$target")"
    ln -s "$source" "$out/home-files/$target"
done < "$fileLinksPath"
`;

/** What the activation package is made from. */
export interface ActivationPackageConfig extends HomeManifestConfig {
  readonly assertions: readonly { readonly assertion: boolean; readonly message: string }[];
  readonly home: HomeManifestConfig["home"] & { readonly path: PackageValue };
}

/** The option tree without `home.build`, which holds the activation package itself (reading it there would be a cycle). */
function optionsWithoutBuild(options: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const home = options["home"] as Readonly<Record<string, unknown>>;
  const homeWithoutBuild = Object.fromEntries(Object.keys(home).filter((name) => name !== "build").map((name) => [name, home[name]]));
  return Object.fromEntries(Object.keys(options).map((name) => [name, name === "home" ? homeWithoutBuild : options[name]]));
}

/** Builds the activation package of the home configured by `config` (whose option tree is `options`). */
export function homeActivationPackage(pkgs: MachinePackageSet, config: ActivationPackageConfig, options: Readonly<Record<string, unknown>>): Derivation {
  const failures = config.assertions.filter((assertion) => !assertion.assertion).map((assertion) => assertion.message);
  if (failures.length > 0) throw new AssertionsFailedError(failures);
  const manifest = homeManifest(pkgs, config);
  const fileLinks = Object.entries(manifest.files).map(([target, file]) => `${target}\t${file.source}\n`);
  return pkgs.runCommand(
    `kiln-home-${storePathName(config.home.username)}`,
    {
      manifest: `${JSON.stringify(manifest, null, 2)}\n`,
      homeConfig: configJson(optionsWithoutBuild(options)),
      fileLinks: fileLinks.join(""),
      homePath: config.home.path,
      preferLocalBuild: true,
      allowSubstitutes: false,
      passAsFile: ["manifest", "homeConfig", "fileLinks"],
    },
    ACTIVATION_PACKAGE_SCRIPT,
  );
}

/** Defines `home.build.activationPackage`. */
export const activationPackage = withOptions(activationPackageOptions, homeUsernameOptions, homeAccountOptions, homePackagesOptions, homeFileOptions, homeActivationOptions, homeSecretsOptions).module(
  located(FILE, (args) => {
    const pkgs = machinePackageSet(args.pkgs);
    const { config, options } = args;
    return {
      key: FILE,
      imports: [activationPackageOptions, homeActivationOptions, homeSecretsOptions],
      config: { home: { build: { activationPackage: lazy(() => homeActivationPackage(pkgs, config, options)) } } },
    };
  }),
);
