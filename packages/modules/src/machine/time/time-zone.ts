/**
 * `time.timeZone`: the machine's time zone.
 *
 * NixOS links `/etc/localtime` to the zone's file in its tzdata package.
 * Kiln manages only store paths, and has no tzdata package, so it writes
 * the zone's name to `/etc/timezone` (the file Debian and its derivatives
 * read, and `timedatectl` keeps); link `/etc/localtime` to the host's
 * `/usr/share/zoneinfo/<zone>` yourself, e.g. in an activation script.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import { etcOptions } from "../environment/etc.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/time/time-zone.ts";

/** The option `time.timeZone`. */
export const timeZoneOptions = defineModule({
  _file: FILE,
  options: {
    time: {
      timeZone: mkOption({
        type: types.nullOr(types.strMatching(/[A-Za-z0-9_+\-/]+/)),
        default: null,
        example: "Europe/Amsterdam",
        description: "The time zone, as a name of the tz database (`Europe/Amsterdam`, `UTC`). Written to `/etc/timezone`; `null` leaves the host's setting alone.",
      }),
    },
  },
});

/** Writes `/etc/timezone`. */
export const timeZone = withOptions(timeZoneOptions, etcOptions).module(located(FILE, ({ config }) => ({
  key: FILE,
  imports: [timeZoneOptions],
  config: {
    environment: {
      etc: {
        timezone: mkIf(lazy(() => config.time.timeZone !== null), { text: lazy(() => `${config.time.timeZone ?? ""}\n`) }),
      },
    },
  },
})));
