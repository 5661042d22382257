/**
 * `kiln switch [FILE] [--machine NAME | --home NAME] [--root DIR]`: build a
 * machine (or home) of the project file, show the plan (what changes
 * against the active generation, and the units it starts, stops and
 * restarts), then activate it and make it the current generation, as
 * `nixos-rebuild switch` and `home-manager switch` do. `--test` activates
 * without adding a generation; `--dry` stops after the plan; `--ask` waits
 * for a yes; `--boot` (also `kiln boot`) adds the generation and marks it
 * for the next start without activating it, as `nixos-rebuild boot`.
 */
import { createInterface } from "node:readline";
import { bootConfiguration, installBootUnit, isLiveMachine, NixRealiser, planSwitch, switchConfiguration, type ActivationTarget, type LocalStore, type SwitchMode } from "@kiln/core";
import type { Command, CommandIO, OptionSpec, ParsedArgs } from "../command.js";
import { closureBytes } from "../machines/closure-size.js";
import { generationDiffLines, unitChangeLines } from "../machines/print-generation-diff.js";
import { selectConfiguration } from "../machines/select-configuration.js";
import { reportActivation } from "../machines/report-activation.js";
import { ROOT_OPTION, rootRegistrar, targetFor } from "../machines/target-options.js";
import { realiseRoots, reportFailures } from "../realise-roots.js";
import { REALISE_OPTIONS, storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";
import { PROFILE_OPTION, profiledIfAsked } from "../profile-option.js";

/** `--machine NAME`, as `kiln switch` and `kiln boot` take it. */
const MACHINE_OPTION: OptionSpec = { name: "machine", type: "string", value: "NAME", description: "The machine to build (machines.NAME)" };

const BUILD_OPTIONS: readonly OptionSpec[] = [...REALISE_OPTIONS, { name: "print-build-logs", short: "L", type: "boolean", description: "Print build logs as they come" }];

/** Reads one line of stdin and says whether it is a yes. */
async function confirmed(io: CommandIO): Promise<boolean> {
  io.stderr.write("switch to it? [y/N] ");
  const lines = createInterface({ input: process.stdin });
  const answer = await new Promise<string>((resolve) => {
    lines.once("line", resolve);
    lines.once("close", () => resolve(""));
  });
  lines.close();
  return /^(y|yes)$/i.test(answer.trim());
}

/**
 * The command the boot unit runs: this very `kiln` (the Node binary and the
 * script it was started as) with the store it used, so the start activates
 * with the Kiln and store that made the generation.
 */
function bootCommand(args: ParsedArgs): string[] {
  return [process.execPath, process.argv[1] ?? "kiln", "boot", "--activate-marked", "--store-dir", storeDirFor(args)];
}

/** Installs the boot unit on the running machine (root, systemd), once; says so. */
function ensureBootUnit(args: ParsedArgs, target: ActivationTarget, io: CommandIO): void {
  if (!isLiveMachine(target) || process.getuid?.() !== 0) return;
  if (installBootUnit(target, bootCommand(args))) io.stderr.write(`installed ${target.filesDir}/systemd/system/kiln-boot.service: it activates the generation marked for the next boot early at boot\n`);
}

/** `kiln switch` and `kiln boot` (`boot` true): build, plan, confirm, then activate or mark. */
async function switchOrBoot(args: ParsedArgs, io: CommandIO, boot: boolean): Promise<number> {
  const machine = args.options["machine"];
  const home = args.options["home"];
  if (typeof machine === "string" && typeof home === "string") throw new UsageError("give --machine or --home, not both");
  const modes = (["test", "dry", "boot"] as const).filter((name) => args.options[name] === true);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} contradict each other`);
  if (args.options["realiser"] === "dry-run") throw new UsageError(`'kiln ${boot ? "boot" : "switch"}' must build what it activates; use --dry to see what would change`);
  if (boot && typeof home === "string") throw new UsageError("a home has no next boot to mark; use 'kiln switch --home NAME'");
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
    const section = `${kind === "machine" ? "machines" : "homes"}.${selected.name}`;
    const json = args.options["json"] === true;
    const dry = args.options["dry"] === true;
    const registerRoot = rootRegistrar(store);
    if (boot) {
      if (dry) {
        io.stderr.write(`would build and mark ${section} (${toplevel}) for the next boot of ${target.root}\n`);
        return 0;
      }
      const generation = bootConfiguration(toplevel, target, registerRoot === undefined ? {} : { registerRoot });
      if (realiser instanceof NixRealiser) await realiser.addRoot(generation.link, toplevel);
      ensureBootUnit(args, target, io);
      io.stderr.write(`generation ${generation.number} of ${target.stateDir}/profiles/${target.profileName} is marked for the next boot; nothing was activated now\n`);
      io.stdout.write(json ? `${JSON.stringify({ toplevel, generation: generation.number, nextBoot: true })}\n` : `${toplevel}\n`);
      return 0;
    }
    const mode: SwitchMode = dry ? "dry" : args.options["test"] === true ? "test" : "switch";
    showPlan(toplevel, target, store, section, json, io);
    if (args.options["ask"] === true && !dry && !(await confirmed(io))) {
      io.stderr.write("nothing was changed\n");
      return 1;
    }
    io.stderr.write(`${mode === "dry" ? "would activate" : "activating"} ${section} (${toplevel}) on ${target.root}\n`);
    const { report, generation } = switchConfiguration(toplevel, target, { mode, ...(registerRoot === undefined ? {} : { registerRoot }) });
    reportActivation(report, target, io, mode === "dry");
    // Nix's own store keeps its own roots.
    if (realiser instanceof NixRealiser && mode !== "dry") {
      const links = [`${target.stateDir}/active`, ...(generation === undefined ? [] : [generation.link])];
      for (const link of links) await realiser.addRoot(link, toplevel);
    }
    if (mode !== "dry") ensureBootUnit(args, target, io);
    if (generation !== undefined) io.stderr.write(`generation ${generation.number} of ${target.stateDir}/profiles/${target.profileName} is current\n`);
    if (!json) io.stdout.write(`${toplevel}\n`);
    return 0;
  } finally {
    store?.close();
  }
}

/** Prints the plan: on stderr for people, or as one JSON document on stdout. */
function showPlan(toplevel: string, target: ActivationTarget, store: LocalStore | undefined, section: string, json: boolean, io: CommandIO): void {
  const plan = planSwitch(toplevel, target, { closureBytes: (path) => (store === undefined ? undefined : closureBytes(store, path)) ?? Number.NaN });
  if (json) {
    io.stdout.write(`${JSON.stringify({ toplevel: plan.toplevel, active: plan.active ?? null, ...plan.diff, unitActions: plan.units }, null, 2)}\n`);
    return;
  }
  const live = isLiveMachine(target);
  const lines = [
    `plan: ${plan.active === undefined ? `nothing is active on ${target.root} yet` : plan.active === toplevel ? `${section} is already active` : `${plan.active} → ${section}`}`,
    ...generationDiffLines(plan.diff),
    ...unitChangeLines(plan.units, live),
  ];
  io.stderr.write(`${lines.join("\n")}\n`);
}

export const switchCommand: Command = {
  name: "switch",
  summary: "Build a machine or home of a project file, show what changes, activate it and make it the current generation",
  usage: "switch [FILE.ts] [--machine NAME | --home NAME] [--root DIR] [--test | --dry | --boot] [--ask] [--json] [--realiser local|nix]",
  description:
    "Builds machines.NAME (or homes.NAME) of FILE (default ./kiln.ts) and shows the plan: what changes against the active generation (packages, closure size, /etc entries with text diffs, users, groups, systemd units, activation scripts) and the units it will start, stop and restart. Then it links its /etc entries (or home files), creates its users and groups, installs its systemd units, runs its activation scripts, and adds a generation to the profile in DIR/var/lib/kiln/profiles (a home's: ~/.local/state/kiln/profiles). A failed activation puts the previous generation back; one interrupted (killed, crashed) is finished or undone by the next switch or rollback of any generation. The first switch of the running machine installs kiln-boot.service, which activates a generation marked with --boot early at the next boot. Without --machine, a project with one machine means that one, else the machine named like this host.",
  options: [
    MACHINE_OPTION,
    ROOT_OPTION,
    { name: "home", type: "string", value: "NAME", description: "Switch a home (homes.NAME) instead of a machine" },
    { name: "test", type: "boolean", description: "Activate without adding a generation (the next boot or switch forgets it)" },
    { name: "dry", type: "boolean", description: "Build, then only show the plan and what activation would change" },
    { name: "boot", type: "boolean", description: "Add the generation and mark it for the next boot without activating it (as 'kiln boot')" },
    { name: "ask", type: "boolean", description: "Show the plan, then wait for 'yes' before changing anything" },
    { name: "json", type: "boolean", description: "Print the plan as JSON on stdout (before anything changes) instead of the toplevel's path" },
    ...BUILD_OPTIONS,
    PROFILE_OPTION,
  ],
  run: (args, io) => switchOrBoot(args, io, args.options["boot"] === true),
};

export { BUILD_OPTIONS, MACHINE_OPTION, switchOrBoot };
