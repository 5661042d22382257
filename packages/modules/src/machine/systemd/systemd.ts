/**
 * `systemd.services` and `systemd.timers`: the machine's systemd units,
 * written to `/etc/systemd/system` (see `unit-files.ts`). A service with
 * `startAt` gets a timer of the same name, as on NixOS.
 *
 * Activation reloads systemd and starts, restarts or stops the units whose
 * files changed; on a host whose own units share a name, the machine's
 * file in `/etc/systemd/system` takes precedence over the distribution's in
 * `/usr/lib/systemd/system`.
 */
import { withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { types } from "../../types/index.js";
import { etcOptions } from "../environment/etc.js";
import { machinePackageSet } from "../../target/package-set.js";
import { serviceDefaults, serviceOptions, startAtList } from "./service.js";
import { timerOptions } from "./timer.js";
import { systemdEtcEntries } from "./unit-files.js";
import { unitOptions } from "./unit-options.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/systemd/systemd.ts";

/** The options `systemd.services` and `systemd.timers`. */
export const systemdOptions = withOptions().module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  return {
    options: {
      systemd: {
        services: mkOption({
          type: types.attrsOf(types.submodule([unitOptions, serviceOptions, serviceDefaults(pkgs)])),
          default: {},
          description: "Systemd services, by name (the unit is `<name>.service`).",
        }),
        timers: mkOption({
          type: types.attrsOf(types.submodule([unitOptions, timerOptions])),
          default: {},
          description: "Systemd timers, by name (the unit is `<name>.timer`; it starts `<name>.service` unless `timerConfig.Unit` says otherwise).",
        }),
      },
    },
  };
}));

/** Makes the timers of `startAt` and writes the unit files. */
export const systemd = withOptions(systemdOptions, etcOptions).module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  const { config } = args;
  return {
    key: FILE,
    imports: [systemdOptions],
    config: {
      systemd: {
        timers: lazy(() =>
          Object.fromEntries(
            Object.entries(config.systemd.services)
              .filter(([, service]) => service.enable && startAtList(service.startAt).length > 0)
              .map(([name, service]) => [name, { wantedBy: ["timers.target"], timerConfig: { OnCalendar: [...startAtList(service.startAt)] } }]),
          ),
        ),
      },
      environment: {
        etc: lazy(() => systemdEtcEntries(pkgs, config.systemd.services, config.systemd.timers)),
      },
    },
  };
}));
