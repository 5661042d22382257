/**
 * `types.optionType`: a value that is itself an option type, as used for
 * `_module.freeformType`. Several definitions are combined with the types'
 * own `typeMerge` (e.g. two submodules), or must be the same type.
 */
import { ConflictingDefinitionsError } from "../errors/conflicting-definitions-error.js";
import { showFiles, showOption } from "../options/show-option.js";
import { isOptionType, mkOptionType, type AnyOptionType, type OptionType } from "./option-type.js";

/** An option type as a value. */
export const optionType: OptionType<AnyOptionType> = mkOptionType<AnyOptionType>({
  name: "optionType",
  description: "optionType",
  check: isOptionType,
  merge: (loc, definitions) => {
    let merged = definitions[0]?.value as AnyOptionType;
    for (const definition of definitions.slice(1)) {
      const next = definition.value as AnyOptionType;
      if (next === merged) continue;
      const combined = merged.typeMerge?.(next);
      if (combined === undefined) {
        throw new ConflictingDefinitionsError(`The option \`${showOption(loc)}' has conflicting definitions of types in ${showFiles(definitions.map((each) => each.file))}.`, loc);
      }
      merged = combined;
    }
    return merged;
  },
});
