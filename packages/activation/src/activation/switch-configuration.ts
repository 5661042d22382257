/**
 * `kiln switch` and `kiln rollback` as library functions: activate a
 * toplevel on a target and record it as a generation of the target's
 * profile (`<state>/profiles/system` or `home`), or activate an earlier
 * generation again. The profile changes only after activation succeeded,
 * so a failed switch leaves both the files and the current generation as
 * they were; it changes before the activation journal is removed, so a
 * switch killed in between is set right by the next one.
 */
import { join } from "node:path";
import { Profile, type Generation } from "../profile/profile.js";
import { activate, type ActivationReport } from "./activate.js";
import type { RegisterRoot } from "./activation-state.js";
import type { ActivationTarget } from "./activation-target.js";

/** `switch`: activate and add a generation; `test`: only activate; `dry`: only report what would change. */
export type SwitchMode = "switch" | "test" | "dry";

/** Options of {@link switchConfiguration} and {@link rollbackConfiguration}. */
export interface SwitchOptions {
  readonly mode?: SwitchMode;
  /** Registers generation and active links as garbage-collector roots (e.g. `store.addRootLink`). */
  readonly registerRoot?: RegisterRoot;
}

/** What a switch or rollback did. */
export interface SwitchResult {
  readonly report: ActivationReport;
  /** The generation now current; `undefined` for `test` and `dry`. */
  readonly generation: Generation | undefined;
}

/** The profile of a target. */
export function targetProfile(target: ActivationTarget, registerRoot?: RegisterRoot): Profile {
  return new Profile(join(target.stateDir, "profiles"), target.profileName, registerRoot);
}

/** Activates `toplevel` on `target` and, in `switch` mode, makes it the profile's current generation. */
export function switchConfiguration(toplevel: string, target: ActivationTarget, options: SwitchOptions = {}): SwitchResult {
  const mode = options.mode ?? "switch";
  let generation: Generation | undefined;
  const commit = mode === "switch" ? () => void (generation = targetProfile(target, options.registerRoot).addGeneration(toplevel)) : undefined;
  const report = activate(toplevel, target, { dryRun: mode === "dry", ...(options.registerRoot === undefined ? {} : { registerRoot: options.registerRoot }), ...(commit === undefined ? {} : { commit }) });
  return { report, generation };
}

/** Activates the generation before the current one (or generation `to`) and makes it current. */
export function rollbackConfiguration(target: ActivationTarget, options: SwitchOptions & { readonly to?: number } = {}): SwitchResult {
  const profile = targetProfile(target, options.registerRoot);
  const generation = options.to === undefined ? profile.previous() : profile.generation(options.to);
  const dry = options.mode === "dry";
  const commit = (): void => profile.switchTo(generation.number);
  const report = activate(generation.path, target, { dryRun: dry, ...(options.registerRoot === undefined ? {} : { registerRoot: options.registerRoot }), ...(dry ? {} : { commit }) });
  return { report, generation: dry ? undefined : { ...generation, current: true } };
}
