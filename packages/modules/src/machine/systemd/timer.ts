/** One `systemd.timers.<name>`: a timer unit, besides the common unit options its `[Timer]` settings. */
import { defineModule } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { types } from "../../types/index.js";
import { systemdUnitValue } from "./unit-value-type.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/systemd/timer.ts";

/** The options of a timer besides the common unit options. */
export const timerOptions = defineModule(located(FILE, {
  options: {
    timerConfig: mkOption({
      type: types.attrsOf(systemdUnitValue),
      default: {},
      example: { OnCalendar: "daily", Persistent: true },
      description: "Settings of the `[Timer]` section (systemd.timer(5)). Without `Unit=`, the timer starts the service of the same name.",
    }),
  },
}));
