/**
 * `environment.systemPackages`: the packages installed on the machine, and
 * `system.path`, the `buildEnv` of them that the toplevel links as `sw`
 * (NixOS's `system-path.nix`). `system.environmentPackages` is a second name
 * for the same option.
 */
import { defineModule, withOptions, type TypedModule } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import type { OptionDeclaration } from "../../options/option-declaration.js";
import { lazy } from "../../properties/lazy.js";
import { mkAliasOptionModule } from "../../renames/mk-alias-option-module.js";
import { types } from "../../types/index.js";
import type { PackageValue } from "../../types/primitive-types.js";
import { machinePackageSet } from "../../target/package-set.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/environment/system-packages.ts";

/** The options `environment.systemPackages` and `system.path`. */
export const systemPackagesOptions = defineModule({
  _file: FILE,
  options: {
    environment: {
      systemPackages: mkOption({
        type: types.listOf(types.package),
        default: [],
        description:
          "The packages installed on the machine: their files are linked together in `system.path` (the toplevel's `sw`), whose `bin` and `sbin` go on `PATH` in login shells. Packages that provide the same file: the first one listed wins, with a warning.",
      }),
    },
    system: {
      path: mkOption({
        type: types.package,
        readOnly: true,
        internal: true,
        description: "The packages of `environment.systemPackages` linked into one tree (`buildEnv`).",
      }),
    },
  },
});

/** `system.environmentPackages`, an alias of `environment.systemPackages` (defining either counts, reading either gives the packages). */
export const environmentPackagesAlias = mkAliasOptionModule(["system", "environmentPackages"], ["environment", "systemPackages"]) as TypedModule<{
  readonly system: { readonly environmentPackages: OptionDeclaration<PackageValue[], PackageValue[]> };
}>;

/** Builds `system.path`. */
export const systemPackages = withOptions(systemPackagesOptions).module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  const { config } = args;
  return {
    key: FILE,
    imports: [systemPackagesOptions, environmentPackagesAlias],
    config: {
      system: {
        // NixOS links system packages with ignoreCollisions too: the first package listed wins.
        path: lazy(() => pkgs.buildEnv({ name: "system-path", paths: config.environment.systemPackages, ignoreCollisions: true })),
      },
    },
  };
}));
