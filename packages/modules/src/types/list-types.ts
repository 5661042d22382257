/**
 * `listOf elemType`: definitions are concatenated in order (after
 * `mkOrder` sorting), and every element goes through the merge pipeline on
 * its own, so an element can be `mkIf false …` (dropped) or an attribute set
 * for a submodule element type.
 */
import { NO_VALUE, mergeValue } from "../merge/merge-definitions.js";
import { descriptionPhrase, mkOptionType, type OptionType } from "./option-type.js";

/** A list whose elements have type `elemType`; definitions are concatenated. */
export function listOf<Value, Definition>(elemType: OptionType<Value, Definition>): OptionType<Value[], Definition[]> {
  return mkOptionType<Value[], Definition[]>({
    name: "listOf",
    description: `list of ${descriptionPhrase((kind) => kind === "noun" || kind === "composite", elemType)}`,
    descriptionClass: "composite",
    check: Array.isArray,
    merge: (loc, definitions) => {
      const result: Value[] = [];
      definitions.forEach((definition, definitionIndex) => {
        (definition.value as unknown[]).forEach((element, elementIndex) => {
          const elementLoc = [...loc, `[definition ${definitionIndex + 1}-entry ${elementIndex + 1}]`];
          const value = mergeValue<Value>(elementLoc, elemType, [{ file: definition.file, value: element }]);
          if (value !== NO_VALUE) result.push(value);
        });
      });
      return result;
    },
    nestedTypes: { elemType },
    emptyValue: { value: [] },
    ...(elemType.getSubOptions === undefined ? {} : { getSubOptions: (prefix, file) => elemType.getSubOptions?.([...prefix, "*"], file) ?? {} }),
  });
}

/** Like {@link listOf}, but the merged list must not be empty. */
export function nonEmptyListOf<Value, Definition>(elemType: OptionType<Value, Definition>): OptionType<[Value, ...Value[]], Definition[]> {
  const list = listOf(elemType);
  return mkOptionType<[Value, ...Value[]], Definition[]>({
    name: "nonEmptyListOf",
    description: `non-empty ${descriptionPhrase((kind) => kind === "noun", list)}`,
    descriptionClass: "composite",
    check: (value) => Array.isArray(value) && value.length > 0,
    merge: (loc, definitions) => list.merge(loc, definitions) as [Value, ...Value[]],
    nestedTypes: { elemType },
  });
}
