/**
 * `hardware.graphics`: hardware-accelerated graphics, NixOS's
 * `hardware.graphics` (formerly `hardware.opengl`).
 *
 * On NixOS the drivers are gathered into `/run/opengl-driver`, where its
 * Mesa looks for them. On a host distribution the drivers are the host's;
 * what Kiln adds is `extraPackages` (VA-API and VDPAU drivers, OpenCL
 * runtimes), linked together as `/etc/kiln/graphics-drivers`. Kiln does not
 * change the drivers' search paths (the host's own drivers live in
 * distribution-specific places): point `LIBVA_DRIVERS_PATH` and the like
 * at it with `environment.variables` where you need them.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { mkEnableOption } from "../../options/mk-enable-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import { etcOptions } from "../environment/etc.js";
import { machinePackageSet } from "../../target/package-set.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/hardware/graphics.ts";

/** Where the driver packages are linked, relative to `/etc`. */
export const GRAPHICS_DRIVERS_TARGET = "kiln/graphics-drivers";

/** The options `hardware.graphics.enable` and `hardware.graphics.extraPackages`. */
export const graphicsOptions = defineModule({
  _file: FILE,
  options: {
    hardware: {
      graphics: {
        enable: mkEnableOption("hardware-accelerated graphics (the driver packages of `extraPackages`)"),
        extraPackages: mkOption({
          type: types.listOf(types.package),
          default: [],
          description: "Driver packages (VA-API, VDPAU, OpenCL…), linked together as `/etc/kiln/graphics-drivers` when `hardware.graphics.enable` is set.",
        }),
      },
    },
  },
});

/** Links the driver packages. */
export const graphics = withOptions(graphicsOptions, etcOptions).module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  const cfg = args.config.hardware.graphics;
  return {
    key: FILE,
    imports: [graphicsOptions],
    config: {
      environment: {
        etc: {
          [GRAPHICS_DRIVERS_TARGET]: mkIf(lazy(() => cfg.enable && cfg.extraPackages.length > 0), {
            source: lazy(() => pkgs.buildEnv({ name: "graphics-drivers", paths: cfg.extraPackages })),
          }),
        },
      },
    },
  };
}));
