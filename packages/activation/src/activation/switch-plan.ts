/**
 * The plan `kiln switch` shows before it changes anything: the whole
 * difference between the active generation and the one to activate
 * (packages, closure size, `/etc` entries, users, groups, units,
 * activation scripts; see `generation-diff.ts`) and the systemd units the
 * switch will start, stop and restart, as NixOS's `switch-to-configuration`
 * would work them out. nh and `nixos-rebuild --diff` each show part of it.
 */
import { diffGenerations, type GenerationDiff } from "../profile/generation-diff.js";
import type { ActivationManifest } from "@kiln/formats";
import { activeGeneration } from "./activation-state.js";
import type { ActivationTarget } from "./activation-target.js";
import { readActivationManifest } from "./read-activation-manifest.js";
import { planUnitChanges, type UnitChanges } from "./unit-changes.js";

/** What a switch to a toplevel would change. */
export interface SwitchPlan {
  /** The toplevel to activate. */
  readonly toplevel: string;
  /** The active generation it is compared with, if any. */
  readonly active: string | undefined;
  readonly diff: GenerationDiff;
  /** The units the switch starts, restarts and stops (on the running machine; elsewhere only reported). */
  readonly units: UnitChanges;
}

/** Options of {@link planSwitch}. */
export interface SwitchPlanOptions {
  /** Sizes a generation's closure in bytes (`NaN` when unknown); without it, sizes are `NaN`. */
  readonly closureBytes?: (path: string) => number;
}

/** The plan of activating `toplevel` on `target`, against its active generation. Reads only. */
export function planSwitch(toplevel: string, target: ActivationTarget, options: SwitchPlanOptions = {}): SwitchPlan {
  const next = readActivationManifest(toplevel);
  const active = activeGeneration(target);
  let previous: ActivationManifest | undefined;
  try {
    previous = active === undefined ? undefined : readActivationManifest(active);
  } catch {
    // An unreadable active generation is warned about by the activation itself; the plan then shows everything as new.
    previous = undefined;
  }
  const closureBytes = options.closureBytes ?? (() => Number.NaN);
  return {
    toplevel,
    active,
    diff: diffGenerations(previous, previous === undefined ? undefined : active, next, toplevel, closureBytes),
    units: planUnitChanges(previous, next),
  };
}
