/**
 * The simplest option types: booleans, floats, numbers, `anything`, `raw`,
 * `attrs`, `unspecified`, `path`, `package` and `enum`.
 *
 * Scalars merge with `mergeEqualOption` (every definition must be equal);
 * `anything` merges attribute sets recursively, composes functions, and
 * otherwise requires equal values (lists included, as nixpkgs does).
 */
import { isDerivation } from "@kiln/formats";
import { ConflictingDefinitionsError } from "../errors/conflicting-definitions-error.js";
import { mergeDefinitions } from "../merge/merge-definitions.js";
import { showFiles, showOption, type OptionPath } from "../options/show-option.js";
import { entriesOf } from "./entries-of.js";
import { isInteger } from "./int-types.js";
import { isAttrs, mergeEqualOption, mergeOneOption, mergeUniqueOption } from "./merge-helpers.js";
import { pathWith } from "./path-with.js";
import { mkOptionType, type MergeDefinition, type OptionType } from "./option-type.js";

/** A value that is either a derivation-like package object or a store path string. */
export type PackageValue = { readonly type: "derivation" } | string;

/** `true` or `false`; definitions must agree. */
export const bool: OptionType<boolean> = mkOptionType<boolean>({ name: "bool", description: "boolean", check: (value) => typeof value === "boolean", merge: mergeEqualOption });

/** A boolean whose definitions are merged with "or": any `true` makes it `true` (nixpkgs' `boolByOr`). */
export const boolByOr: OptionType<boolean> = mkOptionType<boolean>({
  name: "boolByOr",
  description: "boolean (merged using or)",
  check: (value) => typeof value === "boolean",
  merge: (_loc, definitions) => definitions.some((definition) => definition.value === true),
});

/**
 * A package set (nixpkgs' `types.pkgs`), defined once: nixpkgs recognises
 * its sets by `_type = "pkgs"`; Kiln's package sets are recognised by their
 * `callPackage`.
 */
export const pkgsType: OptionType<Record<string, unknown>> = mkOptionType<Record<string, unknown>>({
  name: "pkgs",
  description: "Nixpkgs package set",
  check: (value) => isAttrs(value) && ((value as { _type?: unknown })._type === "pkgs" || typeof (value as { callPackage?: unknown }).callPackage === "function"),
  merge: (loc, definitions) => mergeUniqueOption("A Nixpkgs pkgs set can not be merged with another pkgs set.", loc, definitions),
});

/** A floating point number. JavaScript cannot tell `1.0` from `1`, so every finite number is accepted. */
export const float: OptionType<number> = mkOptionType<number>({
  name: "float",
  description: "floating point number",
  check: (value) => typeof value === "number" && Number.isFinite(value),
  merge: mergeEqualOption,
});

/** An integer or a float (nixpkgs' `number = either int float`). */
export const number: OptionType<number> = mkOptionType<number>({
  name: "number",
  description: "signed integer or floating point number",
  descriptionClass: "conjunction",
  check: (value) => typeof value === "number" && Number.isFinite(value),
  merge: mergeEqualOption,
});

/** A value of unspecified type; definitions must be equal (nixpkgs' `unspecified`). */
export const unspecified: OptionType<unknown> = mkOptionType<unknown>({ name: "unspecified", description: "unspecified value", check: () => true, merge: mergeEqualOption });

/** Any value, taken as is; only one definition is allowed (nixpkgs' `raw`). */
export const raw: OptionType<unknown> = mkOptionType<unknown>({ name: "raw", description: "raw value", check: () => true, merge: mergeOneOption });

/** A plain attribute set, merged shallowly with later definitions winning per key (nixpkgs' `attrs`). */
export const attrs: OptionType<Record<string, unknown>> = mkOptionType<Record<string, unknown>>({
  name: "attrs",
  description: "attribute set",
  check: isAttrs,
  merge: (_loc, definitions) => Object.assign({}, ...definitions.map((definition) => definition.value)) as Record<string, unknown>,
  emptyValue: { value: {} },
});

function isStorePathString(value: unknown): value is string {
  return typeof value === "string" && /^\/nix\/store\/[0-9a-df-np-sv-z]{32}-[^/]+$/.test(value);
}

/** An absolute path: a string starting with "/" (nixpkgs' `path = pathWith { absolute = true; }`). */
export const path: OptionType<string> = pathWith({ absolute: true });

/** A package: a derivation, or a store path string; only one definition is allowed. */
export const packageType: OptionType<PackageValue> = mkOptionType<PackageValue>({
  name: "package",
  description: "package",
  check: (value) => isDerivation(value) || (typeof value === "object" && value !== null && (value as { type?: unknown }).type === "derivation") || isStorePathString(value),
  merge: mergeOneOption,
});

type EnumMember = string | number | boolean;

function showEnumMember(value: EnumMember): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

/** One of the given values (nixpkgs' `enum`). */
export function enumType<const Values extends readonly EnumMember[]>(values: Values): OptionType<Values[number]> {
  const description =
    values.length === 0
      ? "impossible (empty enum)"
      : values.length === 1
        ? `value ${showEnumMember(values[0] as EnumMember)} (singular enum)`
        : `one of ${values.map(showEnumMember).join(", ")}`;
  return mkOptionType<Values[number]>({
    name: "enum",
    description,
    descriptionClass: values.length < 2 ? "noun" : "conjunction",
    check: (value) => values.includes(value as EnumMember),
    merge: mergeEqualOption,
  });
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "function") return "lambda";
  if (typeof value === "object") return isDerivation(value) || (value as { type?: unknown }).type === "derivation" ? "package" : "set";
  if (typeof value === "number") return isInteger(value) ? "int" : "float";
  return typeof value;
}

function mergeAnything(loc: OptionPath, definitions: readonly MergeDefinition[]): unknown {
  const [first] = definitions;
  const kind = kindOf(first?.value);
  if (definitions.some((definition) => kindOf(definition.value) !== kind)) {
    throw new ConflictingDefinitionsError(`The option \`${showOption(loc)}' has conflicting option types in ${showFiles(definitions.map((definition) => definition.file))}`, loc);
  }
  if (kind === "set") {
    const byName = new Map<string, MergeDefinition[]>();
    for (const definition of definitions) {
      for (const [name, value] of entriesOf(definition.value as object)) {
        const list = byName.get(name);
        if (list === undefined) byName.set(name, [{ file: definition.file, value }]);
        else list.push({ file: definition.file, value });
      }
    }
    const result: Record<string, unknown> = {};
    for (const [name, attributeDefinitions] of byName) {
      const merged = mergeDefinitions<unknown>([...loc, name], anything, attributeDefinitions);
      if (merged.isDefined) result[name] = merged.mergedValue();
    }
    return result;
  }
  if (kind === "package") return mergeOneOption(loc, definitions);
  if (kind === "lambda") {
    return (...args: unknown[]) =>
      mergeAnything(
        [...loc, "<function body>"],
        definitions.map((definition) => ({ file: definition.file, value: (definition.value as (...parameters: unknown[]) => unknown)(...args) })),
      );
  }
  return mergeEqualOption(loc, definitions);
}

/** Anything: attribute sets merge recursively (each attribute with its own priorities), functions merge their results, other values must be equal. */
export const anything: OptionType<unknown> = mkOptionType<unknown>({ name: "anything", description: "anything", check: () => true, merge: mergeAnything });
