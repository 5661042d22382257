/**
 * An option type: how definitions are checked and merged, plus the
 * TypeScript types of the merged value and of what modules may write.
 *
 * As in nixpkgs, a type is a record of `check` (is this one definition
 * acceptable?) and `merge` (combine the checked definitions, already
 * filtered by priority and sorted by order, into one value). The two type
 * parameters exist only for the compiler, the way `z.infer` reads a zod
 * schema: `Value` is what `config` holds, `Definition` is what a module may
 * assign (they differ for `coercedTo`).
 */
import type { OptionPath } from "../options/show-option.js";

declare const valueType: unique symbol;
declare const definitionType: unique symbol;

/** One definition as handed to a type's `merge`: properties resolved, with its origin. */
export interface MergeDefinition {
  /** The module file (and line) that made the definition. */
  readonly file: string;
  /** The definition value (its top-level properties already discharged). */
  readonly value: unknown;
}

/**
 * How a type's description reads inside another's: nixpkgs puts "(…)"
 * around a phrase unless the outer type accepts its grammatical class.
 */
export type DescriptionClass = "noun" | "conjunction" | "composite" | "nonRestrictiveClause";

/** An option type whose merged value has TypeScript type `Value` and whose definitions have type `Definition`. */
export interface OptionType<out Value, out Definition = Value> {
  /** Phantom: the merged value's TypeScript type. Never present at runtime. */
  readonly [valueType]?: Value;
  /** Phantom: the TypeScript type modules may define. Never present at runtime. */
  readonly [definitionType]?: Definition;
  /** A short identifier, like nixpkgs' `name` (`"str"`, `"listOf"`, `"submodule"`). */
  readonly name: string;
  /** Human-readable description used in messages and docs (`"list of string"`). */
  readonly description: string;
  /** See {@link DescriptionClass}. */
  readonly descriptionClass: DescriptionClass | null;
  /** Whether a single definition value is acceptable. */
  check(value: unknown): boolean;
  /** Merges checked definitions (at least one) into the option's value. */
  merge(loc: OptionPath, definitions: readonly MergeDefinition[]): Value;
  /** Types this one is built from (`elemType` for `listOf`), for docs and type merging. */
  readonly nestedTypes: Readonly<Record<string, OptionType<unknown, unknown>>>;
  /**
   * The value of an option of this type that has no definitions and no
   * default (nixpkgs' `emptyValue`): `[]` for lists, `{}` for attribute sets
   * and submodules, `null` for `nullOr`; absent when such an option has no
   * value ("was accessed but has no value defined").
   */
  readonly emptyValue?: { readonly value: Value };
  /**
   * Combines this type with another declaration's type of the same option,
   * or `undefined` when they cannot be merged (nixpkgs' `typeMerge`).
   */
  typeMerge?(other: OptionType<unknown, unknown>): OptionType<unknown, unknown> | undefined;
  /**
   * Options declared inside the type (submodules), for documentation.
   * `declaringFile` is the file of the module declaring the option: as in
   * nixpkgs (`setDefaultModuleLocation`), the submodule's own modules that
   * name no file are declared there.
   */
  getSubOptions?(prefix: OptionPath, declaringFile?: string): Readonly<Record<string, unknown>>;
}

/** Any option type. */
export type AnyOptionType = OptionType<unknown, unknown>;

/** The merged value type of an option type. */
export type ValueOfType<T> = T extends OptionType<infer V, infer _D> ? V : never;

/** The definition type of an option type. */
export type DefinitionOfType<T> = T extends OptionType<infer _V, infer D> ? D : never;

/** The fields of {@link mkOptionType}. */
export interface OptionTypeSpec<Value> {
  /** See {@link OptionType.name}. */
  readonly name: string;
  /** See {@link OptionType.description}. */
  readonly description: string;
  /** See {@link OptionType.descriptionClass}; defaults to `"noun"`; `null` (nixpkgs' default) is always parenthesised inside another description. */
  readonly descriptionClass?: DescriptionClass | null;
  /** See {@link OptionType.check}. */
  check(value: unknown): boolean;
  /** See {@link OptionType.merge}. */
  merge(loc: OptionPath, definitions: readonly MergeDefinition[]): Value;
  /** See {@link OptionType.nestedTypes}. */
  readonly nestedTypes?: Readonly<Record<string, AnyOptionType>>;
  /** See {@link OptionType.emptyValue}. */
  readonly emptyValue?: { readonly value: Value };
  /** See {@link OptionType.typeMerge}. */
  typeMerge?(other: AnyOptionType): AnyOptionType | undefined;
  /** See {@link OptionType.getSubOptions}. */
  getSubOptions?(prefix: OptionPath, declaringFile?: string): Readonly<Record<string, unknown>>;
}

/** Builds an option type (nixpkgs' `mkOptionType`). */
export function mkOptionType<Value, Definition = Value>(spec: OptionTypeSpec<Value>): OptionType<Value, Definition> {
  return {
    name: spec.name,
    description: spec.description,
    descriptionClass: spec.descriptionClass === undefined ? "noun" : spec.descriptionClass,
    check: spec.check,
    merge: spec.merge,
    nestedTypes: spec.nestedTypes ?? {},
    ...(spec.emptyValue === undefined ? {} : { emptyValue: spec.emptyValue }),
    ...(spec.typeMerge === undefined ? {} : { typeMerge: spec.typeMerge }),
    ...(spec.getSubOptions === undefined ? {} : { getSubOptions: spec.getSubOptions }),
  };
}

/** Whether `value` looks like an option type. */
export function isOptionType(value: unknown): value is AnyOptionType {
  return typeof value === "object" && value !== null && typeof (value as { check?: unknown }).check === "function" && typeof (value as { merge?: unknown }).merge === "function" && typeof (value as { name?: unknown }).name === "string";
}

/**
 * A type's description as a phrase inside another type's description,
 * parenthesised unless `accepts` its class (nixpkgs' `optionDescriptionPhrase`).
 */
export function descriptionPhrase(accepts: (descriptionClass: DescriptionClass | null) => boolean, type: AnyOptionType): string {
  return accepts(type.descriptionClass) ? type.description : `(${type.description})`;
}
