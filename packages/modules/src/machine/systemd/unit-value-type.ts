/**
 * The type of one setting in `serviceConfig`, `unitConfig` and
 * `timerConfig` (NixOS's `unitOption`): a string, number or boolean, or a
 * list of them. Definitions that are all scalars must agree; as soon as one
 * is a list, all are concatenated, so that modules can each add an
 * `ExecStartPre=` line.
 */
import { mergeEqualOption } from "../../types/merge-helpers.js";
import { mkOptionType, type OptionType } from "../../types/option-type.js";
import type { SystemdUnitScalar } from "../../formats/systemd-unit.js";

function isScalar(value: unknown): value is SystemdUnitScalar {
  return typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

/** A unit file setting's value. */
export const systemdUnitValue: OptionType<SystemdUnitScalar | SystemdUnitScalar[]> = mkOptionType<SystemdUnitScalar | SystemdUnitScalar[]>({
  name: "systemdUnitValue",
  description: "string, number, boolean, or list of them (one line each)",
  check: (value) => isScalar(value) || (Array.isArray(value) && value.every(isScalar)),
  merge: (loc, definitions) => {
    if (!definitions.some((definition) => Array.isArray(definition.value))) return mergeEqualOption(loc, definitions);
    return definitions.flatMap((definition) => (Array.isArray(definition.value) ? (definition.value as SystemdUnitScalar[]) : [definition.value as SystemdUnitScalar]));
  },
});
