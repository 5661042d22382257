/**
 * `programs.obs-studio`: OBS Studio with its plugins, and the virtual
 * camera (NixOS's `programs/obs-studio.nix`).
 *
 * nixpkgs' `wrapOBS` joins OBS and its plugins and wraps `bin/obs` so that
 * OBS finds them (`OBS_PLUGINS_PATH`, `OBS_PLUGINS_DATA_PATH`). Kiln does
 * the same with `symlinkJoin` and a launcher script. A package that runs in
 * an environment of its own (a Debian package, whose OBS looks for plugins
 * in its own `/usr/lib`) has a `withPackages(plugins)` instead, as
 * nixpkgs' `python3.withPackages`: one environment of OBS and its plugins,
 * which `wrapObs` uses when the package has it. The virtual camera
 * needs the v4l2loopback kernel module: it is loaded at boot with the
 * options OBS expects; the module itself comes from the host (e.g. Debian's
 * `v4l2loopback-dkms`).
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkEnableOption } from "../../options/mk-enable-option.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import type { PackageValue } from "../../types/primitive-types.js";
import { kernelModulesOptions } from "../boot/kernel-modules.js";
import { systemPackagesOptions } from "../environment/system-packages.js";
import { mkMachinePackageOption } from "../../target/package-option.js";
import { machinePackageSet, type MachinePackageSet } from "../../target/package-set.js";
import { packageName, packagePath } from "../../target/package-values.js";
import { located } from "../../target/module-file.js";
import { hasWithPackages } from "../fhs-package.js";

const FILE = "@kiln/modules/machine/programs/obs-studio.ts";

/** The options of `programs.obs-studio`. */
export const obsStudioOptions = withOptions().module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  return {
    options: {
      programs: {
        "obs-studio": {
          enable: mkEnableOption("OBS Studio, the streaming and recording program"),
          package: mkMachinePackageOption(pkgs, ["programs", "obs-studio", "package"], "obs-studio"),
          finalPackage: mkOption({ type: types.package, readOnly: true, description: "The OBS Studio installed: `package` joined with `plugins`, its `bin/obs` set up to find them." }),
          plugins: mkOption({ type: types.listOf(types.package), default: [], description: "OBS plugins to install with it." }),
          enableVirtualCamera: mkOption({
            type: types.bool,
            default: false,
            description: "Whether to load the v4l2loopback kernel module at boot, so that OBS can act as a webcam. The module comes from the host (e.g. Debian's `v4l2loopback-dkms`).",
          }),
        },
      },
    },
  };
}));

/**
 * OBS joined with its plugins, `bin/obs` pointing it at them (nixpkgs'
 * `wrapOBS`), or, for a package with `withPackages`, its environment with
 * them; OBS itself when there are none.
 */
export function wrapObs(pkgs: MachinePackageSet, obs: PackageValue, plugins: readonly PackageValue[]): PackageValue {
  if (plugins.length === 0) return obs;
  if (hasWithPackages(obs)) return obs.withPackages(plugins);
  const joinedPlugins = pkgs.symlinkJoin({ name: "obs-studio-plugins", paths: plugins });
  const launcher = pkgs.writeShellScriptBin(
    "obs",
    [
      `export OBS_PLUGINS_PATH="${String(joinedPlugins)}/lib/obs-plugins"`,
      `export OBS_PLUGINS_DATA_PATH="${String(joinedPlugins)}/share/obs/obs-plugins"`,
      `exec "${packagePath(obs)}/bin/obs" "$@"`,
    ].join("\n"),
  );
  // The launcher comes first: its bin/obs wins over OBS's own.
  return pkgs.symlinkJoin({ name: `wrapped-${packageName(obs)}`, paths: [launcher, obs, ...plugins] });
}

/** Installs OBS and loads the virtual camera's module. */
export const obsStudio = withOptions(obsStudioOptions, systemPackagesOptions, kernelModulesOptions).module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  const cfg = args.config.programs["obs-studio"];
  return {
    key: FILE,
    imports: [obsStudioOptions],
    config: {
      programs: { "obs-studio": { finalPackage: lazy(() => wrapObs(pkgs, cfg.package, cfg.plugins)) } },
      environment: { systemPackages: mkIf(cfg.enable, lazy(() => [cfg.finalPackage])) },
      boot: {
        kernelModules: mkIf(lazy(() => cfg.enable && cfg.enableVirtualCamera), ["v4l2loopback"]),
        extraModprobeConfig: mkIf(lazy(() => cfg.enable && cfg.enableVirtualCamera), 'options v4l2loopback devices=1 video_nr=1 card_label="OBS Cam" exclusive_caps=1'),
      },
    },
  };
}));
