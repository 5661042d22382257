/**
 * The options every systemd unit has (NixOS's `commonUnitOptions`):
 * whether it exists, its description, its dependencies and ordering, the
 * targets that pull it in, and free `[Unit]` settings.
 *
 * As on NixOS, `wantedBy` and `requiredBy` are not written as an
 * `[Install]` section for `systemctl enable`: they become links in
 * `/etc/systemd/system/<target>.wants/` (or `.requires/`), so a unit is
 * enabled exactly while the configuration says so.
 */
import { defineModule } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { types } from "../../types/index.js";
import { systemdUnitValue } from "./unit-value-type.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/systemd/unit-options.ts";

const unitList = (description: string) => mkOption({ type: types.listOf(types.str), default: [], description });

/** The options shared by services and timers. */
export const unitOptions = defineModule(located(FILE, {
  options: {
    enable: mkOption({ type: types.bool, default: true, description: "Whether the unit file is written. Set it to false to drop a unit another module defines." }),
    description: mkOption({ type: types.singleLineStr, default: "", description: "A short description of the unit (`Description=`)." }),
    requires: unitList("Units this one needs: started with it, and this one stops if they fail to start (`Requires=`)."),
    wants: unitList("Units started along with this one; their failure does not matter (`Wants=`)."),
    after: unitList("Units this one starts after, when both are started (`After=`)."),
    before: unitList("Units this one starts before, when both are started (`Before=`)."),
    wantedBy: mkOption({
      type: types.listOf(types.str),
      default: [],
      example: ["multi-user.target"],
      description: "Units (usually targets) that pull this one in: a link in `/etc/systemd/system/<target>.wants/`.",
    }),
    requiredBy: unitList("Units that require this one: a link in `/etc/systemd/system/<unit>.requires/`."),
    unitConfig: mkOption({
      type: types.attrsOf(systemdUnitValue),
      default: {},
      example: { StartLimitIntervalSec: 60 },
      description: "Further settings of the `[Unit]` section (systemd.unit(5)).",
    }),
  },
}));
