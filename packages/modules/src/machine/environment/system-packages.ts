/**
 * `environment.systemPackages`: the packages installed on the machine, and
 * `system.path`, the `buildEnv` of them that the toplevel links as `sw`
 * (NixOS's `system-path.nix`). `system.environmentPackages` is a second name
 * for the same option. As in NixOS, only `environment.pathsToLink` is
 * linked, not each package's whole tree: a Debian package's FHS tree
 * (`root/`) and metadata stay out of `sw`.
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

/** The directories NixOS's `system-path.nix` links for every machine; modules and users add to them. */
const DEFAULT_PATHS_TO_LINK = [
  "/bin",
  "/etc/xdg",
  "/etc/gtk-2.0",
  "/etc/gtk-3.0",
  "/lib",
  "/sbin",
  "/share/emacs",
  "/share/hunspell",
  "/share/org",
  "/share/themes",
  "/share/vulkan",
  "/share/kservices5",
  "/share/kservicetypes5",
  "/share/kxmlgui5",
  "/share/systemd",
  "/share/thumbnailers",
];

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
      pathsToLink: mkOption({
        type: types.listOf(types.str),
        default: [],
        example: ["/share/applications", "/share/icons"],
        description:
          "The directories of the packages that are linked into `system.path` (the toplevel's `sw`), added to NixOS's own list (`/bin`, `/sbin`, `/lib`, `/etc/xdg`, `/share/systemd`, …).",
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
      environment: { pathsToLink: DEFAULT_PATHS_TO_LINK },
      system: {
        // NixOS links system packages with ignoreCollisions too: the first package listed wins.
        path: lazy(() =>
          pkgs.buildEnv({ name: "system-path", paths: config.environment.systemPackages, pathsToLink: [...new Set(config.environment.pathsToLink)], ignoreCollisions: true }),
        ),
      },
    },
  };
}));
