/**
 * The merge pipeline of one option (nixpkgs' `mergeDefinitions`):
 * discharge conditions → filter overrides → sort by order → check each
 * definition against the type → let the type merge them.
 *
 * Used for top-level options and, recursively, for each list element and
 * attribute of `listOf`/`attrsOf`, so every level gets its own priorities and
 * conditions, as in NixOS.
 */
import { isSecret, secretAsStringHint } from "@kiln/formats";
import { TypeMismatchError } from "../errors/type-mismatch-error.js";
import { showDefinitions } from "../options/show-definitions.js";
import { showOption, type OptionPath } from "../options/show-option.js";
import { DEFAULT_OVERRIDE_PRIORITY, MkOverride } from "../properties/mk-override.js";
import { isProperty } from "../properties/property.js";
import { DeferredDefault } from "./deferred-default.js";
import type { Definition } from "./definition.js";
import { dischargeConditions } from "./discharge-conditions.js";
import { filterOverrides } from "./filter-overrides.js";
import { sortByOrder } from "./sort-by-order.js";

/**
 * What the pipeline needs of an option type: an option type (`types/`) is
 * one. Named here so that the pipeline sits below the types that use it.
 */
export interface MergeableType {
  /** Shown when a definition does not fit. */
  readonly description: string;
  /** Whether one (discharged) definition value is acceptable. */
  check(value: unknown): boolean;
  /** Merges the checked final definitions into the option's value. */
  merge(loc: OptionPath, definitions: readonly Definition[]): unknown;
}

/** The outcome of merging an option's definitions. */
export interface MergedDefinitions<T> {
  /** The definitions that count, after discharge, priority filtering and ordering. */
  readonly definitionsFinal: readonly Definition[];
  /** The best priority among the definitions. */
  readonly highestPriority: number;
  /** Whether any definition remains. */
  readonly isDefined: boolean;
  /** The merged (and checked) value; throws if there is none. */
  readonly mergedValue: () => T;
}

/** Whether `value` is an `mkOverride` of a value that is no property (or of a default read only if it wins): discharging leaves it as it is. */
function isOverrideOfPlainValue(value: unknown): boolean {
  return value instanceof MkOverride && (value.content instanceof DeferredDefault || !isProperty(value.content));
}

function anyProperty(definitions: readonly Definition[]): boolean {
  for (let index = 0; index < definitions.length; index++) if (isProperty((definitions[index] as Definition).value)) return true;
  return false;
}

/** Steps 1–3: the definitions of an option that count, in merge order. */
export function finalDefinitions(loc: OptionPath, definitions: readonly Definition[]): { values: Definition[]; highestPriority: number } {
  // The common case, plain values only: every step would keep them all, in order.
  if (!anyProperty(definitions)) return { values: definitions.slice(), highestPriority: DEFAULT_OVERRIDE_PRIORITY };
  // Plain values and priorities over plain values (an option's default, `mkDefault 1`, `mkForce "x"`): discharging would rebuild each as it is and
  // no `mkOrder` can be left to sort, so only the priorities are filtered.
  if (definitions.every((definition) => !isProperty(definition.value) || isOverrideOfPlainValue(definition.value))) {
    const filtered = filterOverrides(definitions);
    return { values: filtered.values, highestPriority: filtered.highestPriority };
  }
  const discharged = dischargeConditions(loc, definitions);
  const filtered = filterOverrides(discharged);
  return { values: sortByOrder(filtered.values), highestPriority: filtered.highestPriority };
}

/** Step 4: every final definition must pass the type's check; all failures are listed together. */
export function checkDefinitions(loc: OptionPath, type: MergeableType, definitions: readonly Definition[]): void {
  // Checked without collecting first: all of them pass, almost always.
  let valid = true;
  for (let index = 0; index < definitions.length && valid; index++) valid = type.check((definitions[index] as Definition).value);
  if (!valid) {
    const invalid = definitions.filter((definition) => !type.check(definition.value));
    // A secret where a string is expected: say what to write instead, since its value must never reach the store.
    const secret = invalid.map((definition) => definition.value).find(isSecret);
    const hint = secret === undefined ? "" : `\n${secretAsStringHint(secret)}.`;
    throw new TypeMismatchError(`A definition for option \`${showOption(loc)}' is not of type \`${type.description}'. Definition values:${showDefinitions(invalid)}${hint}`, loc);
  }
}

/** The outcome of {@link mergeDefinitions}: an object with a method rather than a closure, one allocation fewer per option merged. */
class Merged<T> implements MergedDefinitions<T> {
  readonly definitionsFinal: readonly Definition[];
  readonly highestPriority: number;
  readonly isDefined: boolean;
  readonly #loc: OptionPath;
  readonly #type: MergeableType;

  constructor(loc: OptionPath, type: MergeableType, final: { values: Definition[]; highestPriority: number }) {
    this.definitionsFinal = final.values;
    this.highestPriority = final.highestPriority;
    this.isDefined = final.values.length > 0;
    this.#loc = loc;
    this.#type = type;
  }

  mergedValue(): T {
    checkDefinitions(this.#loc, this.#type, this.definitionsFinal);
    return this.#type.merge(this.#loc, this.definitionsFinal) as T;
  }
}

/** Runs the whole pipeline; the value is computed on demand. */
export function mergeDefinitions<T>(loc: OptionPath, type: MergeableType, definitions: readonly Definition[]): MergedDefinitions<T> {
  return new Merged<T>(loc, type, finalDefinitions(loc, definitions));
}

/** What {@link mergeValue} gives when no definition remains. */
export const NO_VALUE: unique symbol = Symbol("no value");

/**
 * The whole pipeline for a caller that needs only the value (each attribute
 * of an `attrsOf`, each element of a `listOf`): the merged value, or
 * {@link NO_VALUE} when no definition remains.
 */
export function mergeValue<T>(loc: OptionPath, type: MergeableType, definitions: readonly Definition[]): T | typeof NO_VALUE {
  const { values } = finalDefinitions(loc, definitions);
  if (values.length === 0) return NO_VALUE;
  checkDefinitions(loc, type, values);
  return type.merge(loc, values) as T;
}
