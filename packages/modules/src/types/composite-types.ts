/**
 * Types built from other types: `nullOr`, `either`, `oneOf`, `coercedTo`,
 * `uniq`, `unique`, `functionTo`. Semantics follow nixpkgs: `either` merges
 * with whichever side accepts all definitions, `coercedTo` converts
 * definitions of the source type before merging, `unique` allows a single
 * definition, and `functionTo` merges the results of all definitions.
 */
import { ConflictingDefinitionsError } from "../errors/conflicting-definitions-error.js";
import { mergeDefinitions } from "../merge/merge-definitions.js";
import { showFiles, showOption } from "../options/show-option.js";
import { mergeOneOption, mergeUniqueOption } from "./merge-helpers.js";
import { descriptionPhrase, mkOptionType, type AnyOptionType, type OptionType } from "./option-type.js";

/** `null`, or a value of `elemType`; definitions must be all null or all non-null. */
export function nullOr<Value, Definition>(elemType: OptionType<Value, Definition>): OptionType<Value | null, Definition | null> {
  return mkOptionType<Value | null, Definition | null>({
    name: "nullOr",
    description: `null or ${descriptionPhrase((kind) => kind === "noun" || kind === "conjunction", elemType)}`,
    descriptionClass: "conjunction",
    check: (value) => value === null || elemType.check(value),
    merge: (loc, definitions) => {
      const nulls = definitions.filter((definition) => definition.value === null).length;
      if (nulls === 0) return elemType.merge(loc, definitions);
      if (nulls === definitions.length) return null;
      throw new ConflictingDefinitionsError(`The option \`${showOption(loc)}\` is defined both null and not null, in ${showFiles(definitions.map((definition) => definition.file))}.`, loc);
    },
    nestedTypes: { elemType },
    emptyValue: { value: null },
    ...(elemType.getSubOptions === undefined ? {} : { getSubOptions: (prefix, file) => elemType.getSubOptions?.(prefix, file) ?? {} }),
  });
}

/** A value of `left` or of `right`. */
export function either<LeftValue, LeftDefinition, RightValue, RightDefinition>(
  left: OptionType<LeftValue, LeftDefinition>,
  right: OptionType<RightValue, RightDefinition>,
): OptionType<LeftValue | RightValue, LeftDefinition | RightDefinition> {
  const leftPhrase = descriptionPhrase((kind) => kind === "noun" || kind === "conjunction", left);
  const rightPhrase = descriptionPhrase((kind) => kind === "noun" || kind === "conjunction" || kind === "composite", right);
  return mkOptionType<LeftValue | RightValue, LeftDefinition | RightDefinition>({
    name: "either",
    description: `${leftPhrase} or ${rightPhrase}`,
    descriptionClass: "conjunction",
    check: (value) => left.check(value) || right.check(value),
    merge: (loc, definitions) => {
      if (definitions.every((definition) => left.check(definition.value))) return left.merge(loc, definitions);
      if (definitions.every((definition) => right.check(definition.value))) return right.merge(loc, definitions);
      return mergeOneOption(loc, definitions);
    },
    nestedTypes: { left, right },
  });
}

type ValuesOf<Types extends readonly AnyOptionType[]> = Types[number] extends OptionType<infer V, infer _D> ? V : never;
type DefinitionsOf<Types extends readonly AnyOptionType[]> = Types[number] extends OptionType<infer _V, infer D> ? D : never;

/** A value of any of `types` (nixpkgs' `oneOf`, a chain of `either`). */
export function oneOf<const Types extends readonly [AnyOptionType, ...AnyOptionType[]]>(types: Types): OptionType<ValuesOf<Types>, DefinitionsOf<Types>> {
  const [first, ...rest] = types;
  return rest.reduce<AnyOptionType>((combined, next) => either(combined, next), first) as OptionType<ValuesOf<Types>, DefinitionsOf<Types>>;
}

/**
 * A value of `finalType`; definitions of `coercedType` are first converted
 * with `coerce` (nixpkgs' `coercedTo`).
 */
export function coercedTo<FromValue, FromDefinition, Value, Definition>(
  coercedType: OptionType<FromValue, FromDefinition>,
  coerce: (value: FromValue) => Value | Definition,
  finalType: OptionType<Value, Definition>,
): OptionType<Value, Definition | FromDefinition> {
  const convert = (value: unknown): unknown => (coercedType.check(value) && !finalType.check(value) ? coerce(value as FromValue) : value);
  return mkOptionType<Value, Definition | FromDefinition>({
    name: "coercedTo",
    description: `${descriptionPhrase((kind) => kind === "noun", finalType)} or ${descriptionPhrase((kind) => kind === "noun", coercedType)} convertible to it`,
    check: (value) => (coercedType.check(value) && finalType.check(coerce(value as FromValue))) || finalType.check(value),
    merge: (loc, definitions) => finalType.merge(loc, definitions.map((definition) => ({ file: definition.file, value: convert(definition.value) }))),
    nestedTypes: { coercedType, finalType },
    ...(finalType.emptyValue === undefined ? {} : { emptyValue: finalType.emptyValue }),
    ...(finalType.getSubOptions === undefined ? {} : { getSubOptions: (prefix, file) => finalType.getSubOptions?.(prefix, file) ?? {} }),
  });
}

/** Like `elemType`, but only one definition is allowed; `message` explains why (nixpkgs' `unique`). */
export function unique<Value, Definition>(options: { readonly message: string }, elemType: OptionType<Value, Definition>): OptionType<Value, Definition> {
  return mkOptionType<Value, Definition>({
    name: "unique",
    description: elemType.description,
    descriptionClass: elemType.descriptionClass,
    check: (value) => elemType.check(value),
    merge: (loc, definitions) => {
      mergeUniqueOption(options.message, loc, definitions);
      return elemType.merge(loc, definitions);
    },
    nestedTypes: { elemType },
    ...(elemType.emptyValue === undefined ? {} : { emptyValue: elemType.emptyValue }),
  });
}

/** Like `elemType`, but only one definition is allowed (nixpkgs' `uniq`). */
export function uniq<Value, Definition>(elemType: OptionType<Value, Definition>): OptionType<Value, Definition> {
  return unique({ message: "" }, elemType);
}

/** A function whose results have type `elemType`; several definitions are merged by merging their results for the same arguments. */
export function functionTo<Value, Definition>(elemType: OptionType<Value, Definition>): OptionType<(...args: never[]) => Value, (...args: never[]) => Definition> {
  return mkOptionType<(...args: never[]) => Value, (...args: never[]) => Definition>({
    name: "functionTo",
    description: `function that evaluates to a(n) ${descriptionPhrase((kind) => kind === "noun" || kind === "composite", elemType)}`,
    descriptionClass: "composite",
    check: (value) => typeof value === "function",
    merge: (loc, definitions) => (...args: never[]) =>
      mergeDefinitions<Value>(
        [...loc, "<function body>"],
        elemType,
        definitions.map((definition) => ({ file: definition.file, value: (definition.value as (...parameters: never[]) => unknown)(...args) })),
      ).mergedValue(),
    nestedTypes: { elemType },
  });
}
