/**
 * `kiln rollback [--root DIR] [--home] [--to N]`: activate the generation
 * before the current one (or generation N) again and make it current, as
 * `nixos-rebuild switch --rollback` does. Newer generations stay, so
 * `kiln rollback --to N` can go forward again.
 */
import { registerTargetRoots, rollbackConfiguration, type SwitchMode } from "@kiln/core";
import { reportActivation } from "../machines/report-activation.js";
import { flaggedTarget, HOME_FLAG, ROOT_OPTION } from "../machines/target-options.js";
import { defineCommand } from "../settings/define-command.js";
import { converted, flag, positiveWholeNumber } from "../settings/typed-option.js";
import { UsageError } from "../usage-error.js";

export const rollbackCommand = defineCommand({
  name: "rollback",
  summary: "Activate the previous generation again (or generation N with --to N)",
  usage: "rollback [--root DIR] [--home] [--to N] [--dry]",
  options: [
    ROOT_OPTION,
    HOME_FLAG,
    converted("to", { value: "N", description: "Switch to generation N instead of the previous one" }, positiveWholeNumber("to", "a generation number")),
    flag("dry", { description: "Only show what would change" }),
  ],
  async run(settings, io, session) {
    if (settings.positionals.length > 0) throw new UsageError(`'kiln rollback' takes no arguments, but got: ${settings.positionals.join(" ")}`);
    const { to } = settings;
    const target = flaggedTarget(settings);
    const mode: SwitchMode = settings.dry ? "dry" : "switch";
    const { report, generation } = rollbackConfiguration(target, { mode, ...(to === undefined ? {} : { to }) });
    // The generations were made by switches, whose roots are in the local store.
    if (mode !== "dry") await registerTargetRoots(target, (link, path) => session.realiser().addRoot(link, path));
    io.stderr.write(`${mode === "dry" ? "would activate" : "activated"} ${report.toplevel} on ${target.root}\n`);
    reportActivation(report, target, io, mode === "dry");
    if (generation !== undefined) io.stderr.write(`generation ${generation.number} of ${target.stateDir}/profiles/${target.profileName} is current\n`);
    return 0;
  },
});
