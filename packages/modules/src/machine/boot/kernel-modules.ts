/**
 * `boot.kernelModules` and `boot.extraModprobeConfig`: kernel modules
 * loaded at boot (`/etc/modules-load.d/kiln.conf`, read by
 * systemd-modules-load) and their parameters (`/etc/modprobe.d/kiln.conf`),
 * as NixOS writes `modules-load.d/nixos.conf` and `modprobe.d/nixos.conf`.
 * The modules themselves come from the host's kernel (Kiln builds no
 * kernels): install out-of-tree ones, such as v4l2loopback, with the host's
 * package manager.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import { etcOptions } from "../environment/etc.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/boot/kernel-modules.ts";

/** The options `boot.kernelModules` and `boot.extraModprobeConfig`. */
export const kernelModulesOptions = defineModule({
  _file: FILE,
  options: {
    boot: {
      kernelModules: mkOption({
        type: types.listOf(types.strMatching(/[A-Za-z0-9_-]+/)),
        default: [],
        example: ["kvm-intel", "v4l2loopback"],
        description: "Kernel modules loaded at boot, written to `/etc/modules-load.d/kiln.conf` (one per line).",
      }),
      extraModprobeConfig: mkOption({
        type: types.lines,
        default: "",
        example: "options v4l2loopback exclusive_caps=1",
        description: "Lines of `/etc/modprobe.d/kiln.conf`: module options, aliases, blacklists (modprobe.d(5)).",
      }),
    },
  },
});

/** Writes the modules-load.d and modprobe.d files. */
export const kernelModules = withOptions(kernelModulesOptions, etcOptions).module(located(FILE, ({ config }) => ({
  key: FILE,
  imports: [kernelModulesOptions],
  config: {
    environment: {
      etc: {
        "modules-load.d/kiln.conf": mkIf(lazy(() => config.boot.kernelModules.length > 0), {
          text: lazy(() => `${[...new Set(config.boot.kernelModules)].join("\n")}\n`),
        }),
        "modprobe.d/kiln.conf": mkIf(lazy(() => config.boot.extraModprobeConfig !== ""), {
          text: lazy(() => `${config.boot.extraModprobeConfig.replace(/\n*$/, "")}\n`),
        }),
      },
    },
  },
})));
