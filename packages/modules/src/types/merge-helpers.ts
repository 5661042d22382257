/**
 * The stock merge functions of nixpkgs' `lib/options.nix`: all definitions
 * must be equal (`mergeEqualOption`), there must be only one
 * (`mergeOneOption`/`mergeUniqueOption`), or only the last counts.
 */
import { ConflictingDefinitionsError } from "../errors/conflicting-definitions-error.js";
import { PRIORITY_SUGGESTION, showDefinitions } from "../options/show-definitions.js";
import { showOption, type OptionPath } from "../options/show-option.js";
import type { MergeDefinition } from "./option-type.js";

/** Structural equality as Nix's `==`: deep on lists and attribute sets, never equal for functions. */
export function nixEqual(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== "function";
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, index) => nixEqual(item, b[index]));
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && nixEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** All definitions must be equal; otherwise the conflict names two of them (nixpkgs' `mergeEqualOption`). */
export function mergeEqualOption<T>(loc: OptionPath, definitions: readonly MergeDefinition[]): T {
  const [first, ...rest] = definitions;
  if (first === undefined) throw new ConflictingDefinitionsError(`Cannot merge definitions of \`${showOption(loc)}': there are none.`, loc);
  for (const definition of rest) {
    if (!nixEqual(definition.value, first.value)) {
      throw new ConflictingDefinitionsError(`The option \`${showOption(loc)}' has conflicting definition values:${showDefinitions([first, definition])}\n${PRIORITY_SUGGESTION}`, loc);
    }
  }
  return first.value as T;
}

/** Exactly one definition is allowed; `message` explains why (nixpkgs' `mergeUniqueOption`). */
export function mergeUniqueOption<T>(message: string, loc: OptionPath, definitions: readonly MergeDefinition[]): T {
  const [first] = definitions;
  if (definitions.length === 1 && first !== undefined) return first.value as T;
  const explanation = message === "" ? "" : `\n${message}`;
  throw new ConflictingDefinitionsError(
    `The option \`${showOption(loc)}' is defined multiple times while it's expected to be unique.${explanation}\nDefinition values:${showDefinitions(definitions)}\n${PRIORITY_SUGGESTION}`,
    loc,
  );
}

/** Exactly one definition is allowed (nixpkgs' `mergeOneOption`). */
export function mergeOneOption<T>(loc: OptionPath, definitions: readonly MergeDefinition[]): T {
  return mergeUniqueOption<T>("", loc, definitions);
}

/** The values of the definitions, in order. */
export function definitionValues(definitions: readonly MergeDefinition[]): unknown[] {
  return definitions.map((definition) => definition.value);
}

/** Whether `value` is a plain attribute set (an object that is not an array, class instance of a property, or derivation). */
export function isAttrs(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return true;
}
