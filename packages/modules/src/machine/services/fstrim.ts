/**
 * `services.fstrim`: tell SSDs which blocks are free, on a schedule
 * (NixOS's `services/misc/fstrim.nix`).
 *
 * This is the machine modules' example of a scheduled job: a real NixOS
 * option, small, useful on any host with an SSD, and made of nothing but a
 * oneshot service with `startAt` (which makes its timer) and the timer
 * settings NixOS gives it (`Persistent`, a random delay). util-linux's
 * `fstrim` comes from `services.fstrim.package`.
 */
import { withOptions } from "../../modules/define-module.js";
import { mkEnableOption } from "../../options/mk-enable-option.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import { mkMachinePackageOption } from "../../target/package-option.js";
import { machinePackageSet } from "../../target/package-set.js";
import { packagePath } from "../../target/package-values.js";
import { systemdOptions } from "../systemd/systemd.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/services/fstrim.ts";

/** The options of `services.fstrim`. */
export const fstrimOptions = withOptions().module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  return {
    options: {
      services: {
        fstrim: {
          enable: mkEnableOption("periodic SSD TRIM of mounted filesystems that support it"),
          package: mkMachinePackageOption(pkgs, ["services", "fstrim", "package"], "util-linux", "The package providing `bin/fstrim`."),
          interval: mkOption({ type: types.str, default: "weekly", example: "daily", description: "How often to run fstrim (an `OnCalendar=` expression, systemd.time(7))." }),
        },
      },
    },
  };
}));

/** The `fstrim` service and its timer. */
export const fstrim = withOptions(fstrimOptions, systemdOptions).module(located(FILE, ({ config }) => {
  const cfg = config.services.fstrim;
  return {
    key: FILE,
    imports: [fstrimOptions],
    config: mkIf(cfg.enable, {
      systemd: {
        services: {
          fstrim: {
            description: "Discard unused blocks on filesystems from /etc/fstab",
            startAt: lazy(() => cfg.interval),
            serviceConfig: {
              Type: "oneshot",
              ExecStart: lazy(() => `${packagePath(cfg.package)}/bin/fstrim --listed-in /etc/fstab:/proc/self/mountinfo --verbose --quiet-unsupported`),
              ProtectSystem: "strict",
              PrivateNetwork: true,
            },
          },
        },
        timers: { fstrim: { timerConfig: { Persistent: true, RandomizedDelaySec: "100min", AccuracySec: "1h" } } },
      },
    }),
  };
}));
