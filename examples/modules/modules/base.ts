/**
 * The few options of a machine this example needs (a machine module set
 * proper is a later part of Kiln): its name, packages, kernel modules,
 * graphics, and the derivation that gathers it all.
 */
import { currentSystem, derivation } from "@kiln/core";
import { defineModule, mkOption, types } from "@kiln/modules";

export const base = defineModule({
  options: {
    networking: {
      hostName: mkOption({ type: types.str, description: "The machine's host name." }),
    },
    environment: {
      systemPackages: mkOption({ type: types.listOf(types.package), default: [], description: "Packages installed on the machine." }),
    },
    boot: {
      kernelModules: mkOption({ type: types.listOf(types.str), default: [], description: "Kernel modules loaded at boot." }),
    },
    hardware: {
      graphics: {
        enable: mkOption({ type: types.bool, default: false, description: "Whether to enable hardware-accelerated graphics." }),
        driver: mkOption({ type: types.enum(["intel", "amdgpu", "nvidia"]), default: "intel", description: "The graphics driver." }),
      },
    },
  },
});

/** The machine as one derivation: its packages linked into `bin/`, its settings in `etc/`. */
export function toplevel(config: {
  networking: { hostName: string };
  environment: { systemPackages: readonly unknown[] };
  boot: { kernelModules: readonly string[] };
}) {
  return derivation({
    name: `machine-${config.networking.hostName}`,
    system: currentSystem(),
    PATH: "/usr/bin:/bin",
    builder: "/bin/sh",
    args: [
      "-c",
      `mkdir -p "$out/bin" "$out/etc" && for p in ${config.environment.systemPackages.join(" ")}; do for b in "$p"/bin/*; do ln -sf "$b" "$out/bin/"; done; done && echo ${config.networking.hostName} > "$out/etc/hostname" && echo "${config.boot.kernelModules.join(" ")}" > "$out/etc/kernel-modules"`,
    ],
  });
}
