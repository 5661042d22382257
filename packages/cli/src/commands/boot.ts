/**
 * `kiln boot [FILE] [--machine NAME] [--root DIR]`: build a machine, add it
 * as a generation and mark it for the next start without activating it,
 * as `nixos-rebuild boot` does (the same as `kiln switch --boot`). On the
 * running machine, `kiln-boot.service` activates the marked generation
 * early at the next start by running `kiln boot --activate-marked`.
 */
import { activateBootGeneration, machineTarget, registerTargetRoots } from "@kiln/core";
import { reportActivation } from "../machines/report-activation.js";
import { ROOT_OPTION } from "../machines/target-options.js";
import { defineCommand } from "../settings/define-command.js";
import { flag } from "../settings/typed-option.js";
import { UsageError } from "../usage-error.js";
import { BUILD_OPTIONS, MACHINE_OPTION, switchOrBoot } from "./switch.js";

export const bootCommand = defineCommand({
  name: "boot",
  summary: "Build a machine and make it the generation of the next boot, without activating it now",
  usage: "boot [FILE.ts] [--machine NAME] [--root DIR] [--dry] [--json] [--realiser local|nix] | boot --activate-marked [--root DIR]",
  description:
    "Builds machines.NAME of FILE (default ./kiln.ts), adds it to the profile in DIR/var/lib/kiln/profiles and marks it for the next boot; /etc, the accounts and the active generation stay as they are. On the running machine (as root, with systemd), kiln-boot.service, installed by the first switch or boot, runs 'kiln boot --activate-marked' early at each boot: it activates the marked generation (or, with no mark, the current one) unless it is already active, and makes it current. 'kiln generations' shows which generation is current and which is for the next boot; a switch or rollback clears the mark.",
  options: [
    MACHINE_OPTION,
    { ...ROOT_OPTION, description: "Mark the generation in the profile of the machine activated into DIR (DIR/var/lib/kiln) instead of /; nothing else there changes" },
    flag("dry", { description: "Build, then only say what would be marked" }),
    flag("json", { description: "Print the marked generation as JSON" }),
    flag("activate-marked", { description: "Build nothing: activate the generation marked for this boot (or the current one) unless it is active; what kiln-boot.service runs" }),
    ...BUILD_OPTIONS,
  ],
  async run(settings, io, session) {
    if (!settings.activateMarked) return switchOrBoot(settings, io, session, true);
    if (settings.positionals.length > 0 || settings.machine !== undefined) throw new UsageError("--activate-marked builds nothing: it takes no project file or --machine");
    const target = machineTarget(settings.root ?? "/");
    const { generation, report } = activateBootGeneration(target);
    if (report !== undefined) await registerTargetRoots(target, (link, path) => session.realiser().addRoot(link, path));
    if (generation === undefined) io.stderr.write(`${target.stateDir}/profiles/system has no generations: nothing to activate\n`);
    else if (report === undefined) io.stderr.write(`generation ${generation.number} (${generation.path}) is already active on ${target.root}\n`);
    else {
      io.stderr.write(`activated generation ${generation.number} (${generation.path}) on ${target.root}\n`);
      reportActivation(report, target, io, false);
    }
    return 0;
  },
});
