/**
 * `kiln.gc`: collect Kiln's store garbage on a schedule, as NixOS's
 * `nix.gc` does for Nix: a `kiln-gc` service running `kiln gc <options>`,
 * started by a timer when `automatic` is set.
 *
 * Kiln is not (yet) a package of the package set, so the service runs
 * `kiln.gc.command`, by default `kiln` found on the service's `PATH`
 * (systemd's default: `/usr/local/bin`, `/usr/bin`…); set it to an absolute
 * path when kiln is installed elsewhere.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import { systemdOptions } from "../systemd/systemd.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/kiln/gc.ts";

/** The options of `kiln.gc`. */
export const kilnGcOptions = defineModule({
  _file: FILE,
  options: {
    kiln: {
      gc: {
        automatic: mkOption({ type: types.bool, default: false, description: "Whether to collect garbage on the schedule of `kiln.gc.dates`." }),
        dates: mkOption({
          type: types.either(types.str, types.listOf(types.str)),
          default: "03:15",
          example: "weekly",
          description: "When to collect garbage: an `OnCalendar=` expression or a list of them (systemd.time(7)).",
        }),
        randomizedDelaySec: mkOption({ type: types.str, default: "0", example: "45min", description: "A random delay added to each scheduled run (`RandomizedDelaySec=`), to spread the load over machines." }),
        persistent: mkOption({ type: types.bool, default: true, description: "Whether a run missed while the machine was off happens at the next boot (`Persistent=`)." }),
        options: mkOption({ type: types.str, default: "", example: "--delete-older-than 30d", description: "Arguments of `kiln gc`." }),
        command: mkOption({ type: types.str, default: "kiln", example: "/usr/local/bin/kiln", description: "The kiln program: a name looked up on the service's `PATH`, or an absolute path." }),
      },
    },
  },
});

/** The `kiln-gc` service, and its timer when `automatic`. */
export const kilnGc = withOptions(kilnGcOptions, systemdOptions).module(located(FILE, ({ config }) => {
  const cfg = config.kiln.gc;
  return {
    key: FILE,
    imports: [kilnGcOptions],
    config: {
      systemd: {
        services: {
          "kiln-gc": {
            description: "Kiln Garbage Collector",
            script: lazy(() => `exec ${cfg.command} gc ${cfg.options}`.trimEnd()),
            serviceConfig: { Type: "oneshot" },
            startAt: mkIf(cfg.automatic, lazy(() => cfg.dates)),
          },
        },
        timers: {
          "kiln-gc": mkIf(cfg.automatic, {
            timerConfig: { RandomizedDelaySec: lazy(() => cfg.randomizedDelaySec), Persistent: lazy(() => cfg.persistent) },
          }),
        },
      },
    },
  };
}));
