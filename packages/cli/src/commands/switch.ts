/**
 * `kiln switch [FILE] [--machine NAME | --home NAME] [--root DIR]`: build a
 * machine (or home) of the project file, activate it and make it the
 * current generation, as `nixos-rebuild switch` and `home-manager switch`
 * do. `--test` activates without adding a generation; `--dry` only shows
 * what would change.
 */
import { NixRealiser, switchConfiguration, type SwitchMode } from "@kiln/core";
import type { Command } from "../command.js";
import { selectConfiguration } from "../machines/select-configuration.js";
import { reportActivation } from "../machines/report-activation.js";
import { ROOT_OPTION, rootRegistrar, targetFor } from "../machines/target-options.js";
import { realiseRoots, reportFailures } from "../realise-roots.js";
import { REALISE_OPTIONS } from "../store-options.js";
import { UsageError } from "../usage-error.js";
import { PROFILE_OPTION, profiledIfAsked } from "../profile-option.js";

export const switchCommand: Command = {
  name: "switch",
  summary: "Build a machine or home of a project file, activate it and make it the current generation",
  usage: "switch [FILE.ts] [--machine NAME | --home NAME] [--root DIR] [--test | --dry] [--realiser local|nix]",
  description:
    "Builds machines.NAME (or homes.NAME) of FILE (default ./kiln.ts), links its /etc entries (or home files), creates its users and groups, installs its systemd units, runs its activation scripts, and adds a generation to the profile in DIR/var/lib/kiln/profiles (a home's: ~/.local/state/kiln/profiles). A failed activation puts the previous generation back; one interrupted (killed, crashed) is finished or undone by the next switch or rollback of any generation. Without --machine, a project with one machine means that one, else the machine named like this host.",
  options: [
    { name: "machine", type: "string", value: "NAME", description: "The machine to switch to (machines.NAME)" },
    { name: "home", type: "string", value: "NAME", description: "Switch a home (homes.NAME) instead of a machine" },
    ROOT_OPTION,
    { name: "test", type: "boolean", description: "Activate without adding a generation (the next boot or switch forgets it)" },
    { name: "dry", type: "boolean", description: "Build, then only show what activation would change" },
    ...REALISE_OPTIONS,
    { name: "print-build-logs", short: "L", type: "boolean", description: "Print build logs as they come" },
    PROFILE_OPTION,
  ],
  async run(args, io) {
    const machine = args.options["machine"];
    const home = args.options["home"];
    if (typeof machine === "string" && typeof home === "string") throw new UsageError("give --machine or --home, not both");
    if (args.options["test"] === true && args.options["dry"] === true) throw new UsageError("--test and --dry contradict each other");
    if (args.options["realiser"] === "dry-run") throw new UsageError("'kiln switch' must build what it activates; use --dry to see what would change");
    const kind = typeof home === "string" ? "home" : "machine";
    const selected = await profiledIfAsked(args, io, () => selectConfiguration(args, kind, kind === "home" ? (home as string) : typeof machine === "string" ? machine : undefined));
    const { result, realiser, store } = await realiseRoots(args, io, [selected.derivation]);
    try {
      if (result.failed.length > 0) {
        reportFailures(result, io, false);
        return 1;
      }
      const toplevel = result.outputs.get(selected.derivation.drvPath)?.["out"] ?? selected.derivation.outPath;
      const target = targetFor(args, kind, selected.homeDirectory);
      const mode: SwitchMode = args.options["dry"] === true ? "dry" : args.options["test"] === true ? "test" : "switch";
      const section = kind === "machine" ? "machines" : "homes";
      io.stderr.write(`${mode === "dry" ? "would activate" : "activating"} ${section}.${selected.name} (${toplevel}) on ${target.root}\n`);
      const registerRoot = rootRegistrar(store);
      const { report, generation } = switchConfiguration(toplevel, target, { mode, ...(registerRoot === undefined ? {} : { registerRoot }) });
      reportActivation(report, target, io, mode === "dry");
      // Nix's own store keeps its own roots.
      if (realiser instanceof NixRealiser && mode !== "dry") {
        const links = [`${target.stateDir}/active`, ...(generation === undefined ? [] : [generation.link])];
        for (const link of links) await realiser.addRoot(link, toplevel);
      }
      if (generation !== undefined) io.stderr.write(`generation ${generation.number} of ${target.stateDir}/profiles/${target.profileName} is current\n`);
      io.stdout.write(`${toplevel}\n`);
      return 0;
    } finally {
      store?.close();
    }
  },
};
