/**
 * `attrsOf elemType` and `lazyAttrsOf elemType`: attribute sets merged per
 * attribute. Each attribute's definitions (one per module that sets it) go
 * through the merge pipeline separately, so `mkIf`, `mkForce` and
 * `mkDefault` work per attribute, and an attribute whose definitions are all
 * discharged is absent.
 *
 * `attrsOf` merges every attribute when the option is read; `lazyAttrsOf`
 * merges an attribute when it is read (its presence is decided without
 * evaluating conditions, as in nixpkgs, so `mkIf false` leaves a key that
 * throws when read).
 */
import { mergeDefinitions } from "../eval/merge-definitions.js";
import type { Definition } from "../eval/definition.js";
import { OptionNotDefinedError } from "../errors/option-not-defined-error.js";
import { showOption, type OptionPath } from "../options/show-option.js";
import { entriesOf } from "./entries-of.js";
import { isAttrs } from "./merge-helpers.js";
import { descriptionPhrase, mkOptionType, type MergeDefinition, type OptionType } from "./option-type.js";

/** Definitions of each attribute, in definition order. */
export function definitionsByAttribute(definitions: readonly MergeDefinition[]): Map<string, Definition[]> {
  const byName = new Map<string, Definition[]>();
  for (const definition of definitions) {
    for (const [name, value] of entriesOf(definition.value as object)) {
      const list = byName.get(name);
      if (list === undefined) byName.set(name, [{ file: definition.file, value }]);
      else list.push({ file: definition.file, value });
    }
  }
  return byName;
}

function attrsWith<Value, Definition>(elemType: OptionType<Value, Definition>, lazy: boolean): OptionType<Record<string, Value>, Record<string, Definition>> {
  const elementPhrase = descriptionPhrase((kind) => kind === "noun" || kind === "composite", elemType);
  return mkOptionType<Record<string, Value>, Record<string, Definition>>({
    name: lazy ? "lazyAttrsOf" : "attrsOf",
    description: `${lazy ? "lazy attribute set" : "attribute set"} of ${elementPhrase}`,
    descriptionClass: "composite",
    check: isAttrs,
    merge: (loc: OptionPath, definitions) => {
      const result: Record<string, Value> = {};
      for (const [name, attributeDefinitions] of definitionsByAttribute(definitions)) {
        const attributeLoc = [...loc, name];
        if (lazy) {
          let memo: { value: Value } | undefined;
          Object.defineProperty(result, name, {
            enumerable: true,
            configurable: true,
            get: () => {
              if (memo !== undefined) return memo.value;
              const merged = mergeDefinitions<Value>(attributeLoc, elemType, attributeDefinitions);
              if (!merged.isDefined) throw new OptionNotDefinedError(`The option \`${showOption(attributeLoc)}' was accessed but has no value defined. Try setting the option.`, attributeLoc);
              memo = { value: merged.mergedValue() };
              return memo.value;
            },
          });
        } else {
          const merged = mergeDefinitions<Value>(attributeLoc, elemType, attributeDefinitions);
          if (merged.isDefined) result[name] = merged.mergedValue();
        }
      }
      return result;
    },
    nestedTypes: { elemType },
    ...(elemType.getSubOptions === undefined ? {} : { getSubOptions: (prefix, file) => elemType.getSubOptions?.([...prefix, "<name>"], file) ?? {} }),
    typeMerge: (other) => {
      if (other.name !== (lazy ? "lazyAttrsOf" : "attrsOf")) return undefined;
      const otherElement = other.nestedTypes["elemType"];
      if (otherElement === undefined) return undefined;
      const element = elemType.typeMerge?.(otherElement) ?? (otherElement.name === elemType.name && otherElement.description === elemType.description ? elemType : undefined);
      return element === undefined ? undefined : attrsWith(element, lazy);
    },
  });
}

/** An attribute set whose values have type `elemType`, merged per attribute. */
export function attrsOf<Value, Definition>(elemType: OptionType<Value, Definition>): OptionType<Record<string, Value>, Record<string, Definition>> {
  return attrsWith(elemType, false);
}

/** Like {@link attrsOf}, but each attribute is merged only when read. */
export function lazyAttrsOf<Value, Definition>(elemType: OptionType<Value, Definition>): OptionType<Record<string, Value>, Record<string, Definition>> {
  return attrsWith(elemType, true);
}
