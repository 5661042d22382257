/**
 * One `systemd.services.<name>`: NixOS's service submodule. Besides the
 * unit options and free `serviceConfig` settings, a service can be given as
 * shell code (`script`, `preStart`, `postStart`, each a bash script in the
 * store run with `set -e`), its programs (`path`, put on `PATH`), its
 * environment, and a schedule (`startAt`, which makes a timer).
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import type { MachinePackageSet } from "../../target/package-set.js";
import { searchPath, storePathName } from "../../target/package-values.js";
import { located } from "../../target/module-file.js";
import { systemdUnitValue } from "./unit-value-type.js";

const FILE = "@kiln/modules/machine/systemd/service.ts";

/**
 * What follows a service's `path` on its `PATH`: the host's usual
 * directories (systemd's own default), so that a service with a `path` still
 * finds the host's tools.
 */
export const HOST_SERVICE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The options of a service besides the common unit options. */
export const serviceOptions = defineModule(located(FILE, {
  options: {
    serviceConfig: mkOption({
      type: types.attrsOf(systemdUnitValue),
      default: {},
      example: { Type: "oneshot", User: "backup", Restart: "on-failure" },
      description: "Settings of the `[Service]` section (systemd.service(5), systemd.exec(5)); a list repeats the setting.",
    }),
    script: mkOption({ type: types.lines, default: "", description: "Shell commands run as the service's main process (`ExecStart=`), by bash with `set -e`." }),
    preStart: mkOption({ type: types.lines, default: "", description: "Shell commands run before the main process (`ExecStartPre=`), by bash with `set -e`." }),
    postStart: mkOption({ type: types.lines, default: "", description: "Shell commands run after the main process has started (`ExecStartPost=`), by bash with `set -e`." }),
    environment: mkOption({
      type: types.attrsOf(types.nullOr(types.str)),
      default: {},
      example: { LANG: "C.UTF-8" },
      description: "Environment variables of the service's processes (`Environment=`); `null` leaves a variable out.",
    }),
    path: mkOption({
      type: types.listOf(types.either(types.package, types.path)),
      default: [],
      description: `Packages (or directories) whose \`bin\` and \`sbin\` are put on the service's \`PATH\`, before the host's usual directories (\`${HOST_SERVICE_PATH}\`).`,
    }),
    startAt: mkOption({
      type: types.either(types.str, types.listOf(types.str)),
      default: [],
      example: "Sun 14:00:00",
      description: "When to start the service: an `OnCalendar=` expression or a list of them (systemd.time(7)). Setting it makes a timer `<name>.timer`, wanted by `timers.target`.",
    }),
  },
}));

/** `startAt` as a list (a single expression is a list of one). */
export function startAtList(startAt: string | readonly string[]): readonly string[] {
  return typeof startAt === "string" ? [startAt] : startAt;
}

/** A service script: bash, stopping at the first failing command, as NixOS's `makeJobScript`. */
function jobScript(pkgs: MachinePackageSet, name: string, text: string): string {
  return `${pkgs.writeShellScript(`unit-script-${storePathName(name)}`, `set -e\n${text}`)}`;
}

/** `script`, `preStart` and `postStart` as `Exec…=` settings, and `path` as `PATH`. */
export function serviceDefaults(pkgs: MachinePackageSet): object {
  return withOptions(serviceOptions).module(
    located(FILE, ({ name, config }) => ({
    config: {
      serviceConfig: {
        ExecStart: mkIf(lazy(() => config.script !== ""), lazy(() => jobScript(pkgs, `${name}-start`, config.script))),
        ExecStartPre: mkIf(lazy(() => config.preStart !== ""), lazy(() => [jobScript(pkgs, `${name}-pre-start`, config.preStart)])),
        ExecStartPost: mkIf(lazy(() => config.postStart !== ""), lazy(() => [jobScript(pkgs, `${name}-post-start`, config.postStart)])),
      },
      environment: {
        PATH: mkIf(lazy(() => config.path.length > 0), lazy(() => `${searchPath(config.path, ["bin", "sbin"])}:${HOST_SERVICE_PATH}`)),
      },
    },
  })),
  );
}
