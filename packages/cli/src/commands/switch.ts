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
import { bootConfiguration, installBootUnit, isLiveMachine, planSwitch, registerTargetRoots, switchConfiguration, type ActivationTarget, type LocalStore, type SwitchMode } from "@kiln/core";
import type { CommandIO } from "../command.js";
import type { EvaluationSettings } from "../config-options.js";
import { closureBytes } from "../machines/closure-size.js";
import { generationDiffLines, unitChangeLines } from "../machines/print-generation-diff.js";
import { selectConfiguration } from "../machines/select-configuration.js";
import { reportActivation } from "../machines/report-activation.js";
import { ROOT_OPTION, targetFor } from "../machines/target-options.js";
import { realiseRoots, reportFailures, type RealiseRootsSettings } from "../realise-roots.js";
import type { CommandSession } from "../settings/command-session.js";
import { defineCommand } from "../settings/define-command.js";
import { flag, optionGroup, text } from "../settings/typed-option.js";
import { REALISE_OPTIONS } from "../store-options.js";
import { UsageError } from "../usage-error.js";
import { PROFILE_OPTION, profiledIfAsked } from "../profile-option.js";
import { PRINT_BUILD_LOGS } from "./build.js";

/** `--machine NAME`, as `kiln switch` and `kiln boot` take it. */
const MACHINE_OPTION = text("machine", { value: "NAME", description: "The machine to build (machines.NAME)" });

const BUILD_OPTIONS = optionGroup(...REALISE_OPTIONS, PRINT_BUILD_LOGS);

/** What `kiln switch` and `kiln boot` read of their settings; the options only `switch` has are absent from `boot`'s. */
type SwitchSettings = EvaluationSettings &
  RealiseRootsSettings & {
    readonly machine: string | undefined;
    readonly home?: string | undefined;
    readonly root: string | undefined;
    readonly test?: boolean;
    readonly dry: boolean;
    readonly boot?: boolean;
    readonly ask?: boolean;
    readonly json: boolean;
    readonly profile?: boolean;
  };

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
function bootCommand(session: CommandSession): string[] {
  return [process.execPath, process.argv[1] ?? "kiln", "boot", "--activate-marked", "--store-dir", session.storeDir];
}

/** Installs the boot unit on the running machine (root, systemd), once; says so. */
function ensureBootUnit(session: CommandSession, target: ActivationTarget, io: CommandIO): void {
  if (!isLiveMachine(target) || process.getuid?.() !== 0) return;
  if (installBootUnit(target, bootCommand(session))) io.stderr.write(`installed ${target.filesDir}/systemd/system/kiln-boot.service: it activates the generation marked for the next boot early at boot\n`);
}

/** `kiln switch` and `kiln boot` (`boot` true): build, plan, confirm, then activate or mark. */
async function switchOrBoot(settings: SwitchSettings, io: CommandIO, session: CommandSession, boot: boolean): Promise<number> {
  const { machine, home } = settings;
  if (machine !== undefined && home !== undefined) throw new UsageError("give --machine or --home, not both");
  const modes = (["test", "dry", "boot"] as const).filter((name) => settings[name] === true);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} contradict each other`);
  if (settings.realiser === "dry-run") throw new UsageError(`'kiln ${boot ? "boot" : "switch"}' must build what it activates; use --dry to see what would change`);
  if (boot && home !== undefined) throw new UsageError("a home has no next boot to mark; use 'kiln switch --home NAME'");
  const kind = home !== undefined ? "home" : "machine";
  const selected = await profiledIfAsked({ profile: settings.profile === true }, io, () => selectConfiguration(settings, kind, kind === "home" ? home : machine));
  const result = await realiseRoots(settings, io, session, [selected.derivation]);
  if (result.failed.length > 0) {
    reportFailures(result, io, false);
    return 1;
  }
  const toplevel = result.outputs.get(selected.derivation.drvPath)?.["out"] ?? selected.derivation.outPath;
  // Kept from a collection until activation has made its links and they are registered as roots.
  const letGo = session.localStore()?.holdTemporarily([toplevel]);
  try {
    const target = targetFor(settings, kind, selected.homeDirectory);
    const section = `${kind === "machine" ? "machines" : "homes"}.${selected.name}`;
    const { json, dry } = settings;
    const realiser = session.realiser();
    const addRoot = (link: string, path: string): Promise<void> => realiser.addRoot(link, path);
    if (boot) {
      if (dry) {
        io.stderr.write(`would build and mark ${section} (${toplevel}) for the next boot of ${target.root}\n`);
        return 0;
      }
      const generation = bootConfiguration(toplevel, target);
      await registerTargetRoots(target, addRoot);
      ensureBootUnit(session, target, io);
      io.stderr.write(`generation ${generation.number} of ${target.stateDir}/profiles/${target.profileName} is marked for the next boot; nothing was activated now\n`);
      io.stdout.write(json ? `${JSON.stringify({ toplevel, generation: generation.number, nextBoot: true })}\n` : `${toplevel}\n`);
      return 0;
    }
    const mode: SwitchMode = dry ? "dry" : settings.test === true ? "test" : "switch";
    showPlan(toplevel, target, session.localStore(), section, json, io);
    if (settings.ask === true && !dry && !(await confirmed(io))) {
      io.stderr.write("nothing was changed\n");
      return 1;
    }
    io.stderr.write(`${mode === "dry" ? "would activate" : "activating"} ${section} (${toplevel}) on ${target.root}\n`);
    const { report, generation } = switchConfiguration(toplevel, target, { mode });
    reportActivation(report, target, io, mode === "dry");
    // The active link and the generations are roots of the store the realiser built into.
    if (mode !== "dry") await registerTargetRoots(target, addRoot);
    if (mode !== "dry") ensureBootUnit(session, target, io);
    if (generation !== undefined) io.stderr.write(`generation ${generation.number} of ${target.stateDir}/profiles/${target.profileName} is current\n`);
    if (!json) io.stdout.write(`${toplevel}\n`);
    return 0;
  } finally {
    letGo?.();
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

export const switchCommand = defineCommand({
  name: "switch",
  summary: "Build a machine or home of a project file, show what changes, activate it and make it the current generation",
  usage: "switch [FILE.ts] [--machine NAME | --home NAME] [--root DIR] [--test | --dry | --boot] [--ask] [--json] [--realiser local|nix]",
  description:
    "Builds machines.NAME (or homes.NAME) of FILE (default ./kiln.ts) and shows the plan: what changes against the active generation (packages, closure size, /etc entries with text diffs, users, groups, systemd units, activation scripts) and the units it will start, stop and restart. Then it links its /etc entries (or home files), creates its users and groups, installs its systemd units, runs its activation scripts, and adds a generation to the profile in DIR/var/lib/kiln/profiles (a home's: ~/.local/state/kiln/profiles). A failed activation puts the previous generation back; one interrupted (killed, crashed) is finished or undone by the next switch or rollback of any generation. The first switch of the running machine installs kiln-boot.service, which activates a generation marked with --boot early at the next boot. Without --machine, a project with one machine means that one, else the machine named like this host.",
  options: [
    MACHINE_OPTION,
    ROOT_OPTION,
    text("home", { value: "NAME", description: "Switch a home (homes.NAME) instead of a machine" }),
    flag("test", { description: "Activate without adding a generation (the next boot or switch forgets it)" }),
    flag("dry", { description: "Build, then only show the plan and what activation would change" }),
    flag("boot", { description: "Add the generation and mark it for the next boot without activating it (as 'kiln boot')" }),
    flag("ask", { description: "Show the plan, then wait for 'yes' before changing anything" }),
    flag("json", { description: "Print the plan as JSON on stdout (before anything changes) instead of the toplevel's path" }),
    ...BUILD_OPTIONS,
    PROFILE_OPTION,
  ],
  run: (settings, io, session) => switchOrBoot(settings, io, session, settings.boot),
});

export { BUILD_OPTIONS, MACHINE_OPTION, switchOrBoot };
