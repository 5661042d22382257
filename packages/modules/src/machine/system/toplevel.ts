/**
 * `system.build.toplevel`: the whole machine as one derivation, what
 * `kiln build` builds and `kiln switch` activates (NixOS's
 * `top-level.nix`). Its output holds
 *
 * - `kiln-activation.json`: the activation manifest (`machine-manifest.ts`);
 * - `sw`: a link to `system.path`, the installed packages;
 * - `etc/`: a tree of links mirroring the manifest's files, to browse;
 * - `config.json`: the evaluated configuration (`config-json.ts`).
 *
 * Every store path the manifest names is written into the output, so it is
 * a reference: the generation's closure holds all it links to. Building it
 * checks the assertions first, as NixOS does, and `system.name` (the
 * manifest's name and the derivation's) defaults to the host name.
 */
import type { Derivation } from "@kiln/formats";
import { withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { types } from "../../types/index.js";
import type { PackageValue } from "../../types/primitive-types.js";
import { etcOptions } from "../environment/etc.js";
import { systemPackagesOptions } from "../environment/system-packages.js";
import { hostNameOptions } from "../networking/host-name.js";
import { usersOptions } from "../users/users.js";
import { activationScriptsOptions } from "./activation-scripts.js";
import { secretsOptions } from "../secrets/secrets-options.js";
import { machinePackageSet, type MachinePackageSet } from "../../target/package-set.js";
import { mkActivationPackageOption, targetPackage, type ActivationPackageLayout, type TargetAssertions } from "../../target/activation-package.js";
import { configJson } from "../../target/config-json.js";
import { machineManifest, type ManifestConfig } from "./machine-manifest.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/system/toplevel.ts";

/** The options `system.name` and `system.build.toplevel`. */
export const toplevelOptions = withOptions(hostNameOptions).module(located(FILE, ({ config }) => ({
  options: {
    system: {
      name: mkOption({
        type: types.str,
        default: lazy(() => (config.networking.hostName === "" ? "unnamed" : config.networking.hostName)),
        defaultText: 'networking.hostName, or "unnamed" when that is empty',
        description: "The machine's name: in the toplevel's store path (`kiln-system-<name>`) and the activation manifest.",
      }),
      build: {
        toplevel: mkActivationPackageOption("The machine as one derivation: the activation manifest, the installed packages (`sw`), the files of `/etc` and the configuration. `kiln build` builds it, `kiln switch` activates it."),
      },
    },
  },
})));

/** The toplevel's layout: `sw` links the packages, `etc/` mirrors the files. */
const TOPLEVEL_LAYOUT: ActivationPackageLayout = { prefix: "kiln-system", configAttribute: "machineConfig", packagesLink: "sw", packagesAttribute: "sw", filesDirectory: "etc", fileLinksAttribute: "etcLinks" };

/** What the toplevel is made from. */
export interface ToplevelConfig extends ManifestConfig, TargetAssertions {
  readonly system: ManifestConfig["system"] & { readonly path: PackageValue };
}

/** Builds the toplevel derivation of the machine configured by `config` (whose option tree is `options`). */
export function machineToplevel(pkgs: MachinePackageSet, config: ToplevelConfig, options: Readonly<Record<string, unknown>>): Derivation {
  return targetPackage(pkgs, TOPLEVEL_LAYOUT, {
    name: config.system.name,
    assertions: config.assertions,
    manifest: () => machineManifest(pkgs, config),
    configJson: () => configJson(options),
    packages: config.system.path,
  });
}

/** Defines `system.build.toplevel`. */
export const toplevel = withOptions(toplevelOptions, systemPackagesOptions, etcOptions, usersOptions, activationScriptsOptions, secretsOptions).module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  const { config, options } = args;
  return {
    key: FILE,
    imports: [toplevelOptions, activationScriptsOptions, secretsOptions],
    config: { system: { build: { toplevel: lazy(() => machineToplevel(pkgs, config, options)) } } },
  };
}));
