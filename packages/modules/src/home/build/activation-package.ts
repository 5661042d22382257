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
import type { Derivation } from "@kiln/formats";
import { defineModule, withOptions } from "../../modules/define-module.js";
import { lazy } from "../../properties/lazy.js";
import { types } from "../../types/index.js";
import type { PackageValue } from "../../types/primitive-types.js";
import { located } from "../../target/module-file.js";
import { machinePackageSet, type MachinePackageSet } from "../../target/package-set.js";
import { mkActivationPackageOption, targetPackage, type ActivationPackageLayout, type TargetAssertions } from "../../target/activation-package.js";
import { configJson } from "../../target/config-json.js";
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
        activationPackage: mkActivationPackageOption("The home as one derivation: the activation manifest, the installed packages (`home-path`), the home's files and the configuration. `kiln build` builds it, `kiln switch --home` activates it."),
      },
    },
  },
});

/** The activation package's layout: `home-path` links the packages, `home-files/` mirrors the files. */
const HOME_LAYOUT: ActivationPackageLayout = { prefix: "kiln-home", configAttribute: "homeConfig", packagesLink: "home-path", packagesAttribute: "homePath", filesDirectory: "home-files", fileLinksAttribute: "fileLinks" };

/** What the activation package is made from. */
export interface ActivationPackageConfig extends HomeManifestConfig, TargetAssertions {
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
  return targetPackage(pkgs, HOME_LAYOUT, {
    name: config.home.username,
    assertions: config.assertions,
    manifest: () => homeManifest(pkgs, config),
    configJson: () => configJson(optionsWithoutBuild(options)),
    packages: config.home.path,
  });
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
