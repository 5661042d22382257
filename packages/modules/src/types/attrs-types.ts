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
 *
 * A Kiln extension: `{ nameType }` checks the attribute names as well, for
 * options whose names become user names or file paths. nixpkgs leaves that
 * to the `name` option inside the submodule, but its default comes from the
 * attribute name, so an error there would name the module that sets the
 * default instead of the file that wrote the name. Names that `nameType`
 * merges to one value (`a/b` and `a//b`) are refused as the same name
 * written twice; the attribute set keeps the names as written.
 */
import { NO_VALUE, mergeDefinitions, mergeValue } from "../merge/merge-definitions.js";
import type { Definition } from "../merge/definition.js";
import { ConflictingDefinitionsError } from "../errors/conflicting-definitions-error.js";
import { OptionNotDefinedError } from "../errors/option-not-defined-error.js";
import { TypeMismatchError } from "../errors/type-mismatch-error.js";
import { showDefinitions } from "../options/show-definitions.js";
import { showOption, type OptionPath } from "../options/show-option.js";
import { attributeValue } from "./entries-of.js";
import { isAttrs } from "./merge-helpers.js";
import { descriptionPhrase, mkOptionType, type MergeDefinition, type OptionType } from "./option-type.js";
import { hashTableObject } from "./hash-table-object.js";
import { extendPath } from "../options/extend-path.js";

/** Definitions of each attribute, in definition order. */
export function definitionsByAttribute(definitions: readonly MergeDefinition[]): Map<string, Definition[]> {
  const byName = new Map<string, Definition[]>();
  for (const definition of definitions) {
    const attributes = definition.value as object;
    // `for … in` reads V8's cache of a plain object's names (the same names in the same order: its prototype has no
    // enumerable attributes) where `Object.keys` would copy them into a new list for every definition.
    const prototype = Object.getPrototypeOf(attributes) as unknown;
    if (prototype === Object.prototype || prototype === null) {
      for (const name in attributes) addAttribute(byName, definition.file, attributes, name);
    } else {
      for (const name of Object.keys(attributes)) addAttribute(byName, definition.file, attributes, name);
    }
  }
  return byName;
}

function addAttribute(byName: Map<string, Definition[]>, file: string, attributes: object, name: string): void {
  const attribute: Definition = { file, value: attributeValue(attributes, name) };
  const list = byName.get(name);
  if (list === undefined) byName.set(name, [attribute]);
  else list.push(attribute);
}

/** Options of `types.attrsOf` and `types.lazyAttrsOf`. */
export interface AttrsOfOptions {
  /** The type every attribute name must have; names it merges to one value may not both be used. */
  readonly nameType?: OptionType<string>;
}

/** Refuses names that are not of `nameType`, and two names it merges to one value, each with the definitions that wrote them. */
function checkNames(loc: OptionPath, nameType: OptionType<string>, byName: ReadonlyMap<string, readonly Definition[]>): void {
  const seen = new Map<string, string>();
  for (const [name, definitions] of byName) {
    const attributeLoc = [...loc, name];
    if (!nameType.check(name)) {
      throw new TypeMismatchError(`A definition for option \`${showOption(attributeLoc)}' has a name that is not of type \`${nameType.description}'. Definition values:${showDefinitions(definitions)}`, attributeLoc);
    }
    const normal = nameType.merge(attributeLoc, [{ file: definitions[0]?.file ?? "<unknown-file>", value: name }]);
    const other = seen.get(normal);
    if (other !== undefined) {
      throw new ConflictingDefinitionsError(
        `The option \`${showOption(loc)}' has the attributes ${JSON.stringify(other)} and ${JSON.stringify(name)}, which are the same name (${JSON.stringify(normal)}). Definition values:${showDefinitions([...(byName.get(other) ?? []), ...definitions])}`,
        attributeLoc,
      );
    }
    seen.set(normal, name);
  }
}

/** The attribute `name` of a `lazyAttrsOf` value: merged when first read. */
function defineLazyAttribute<Value>(result: Record<string, Value>, name: string, attributeLoc: OptionPath, elemType: OptionType<Value, unknown>, attributeDefinitions: readonly Definition[]): void {
  let memo: { value: Value } | undefined;
  Object.defineProperty(result, name, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (memo !== undefined) return memo.value;
      const merged = mergeDefinitions<Value>(attributeLoc, elemType, attributeDefinitions);
      if (!merged.isDefined && elemType.emptyValue !== undefined) {
        // nixpkgs keeps a lazy attribute whose definitions all vanished (`mkIf false`), reading as the element type's empty value.
        memo = { value: elemType.emptyValue.value };
        return memo.value;
      }
      if (!merged.isDefined) throw new OptionNotDefinedError(`The option \`${showOption(attributeLoc)}' was accessed but has no value defined. Try setting the option.`, attributeLoc);
      memo = { value: merged.mergedValue() };
      return memo.value;
    },
  });
}

function attrsType<Value, Definition>(elemType: OptionType<Value, Definition>, lazy: boolean, nameType: OptionType<string> | undefined, placeholder = "name"): OptionType<Record<string, Value>, Record<string, Definition>> {
  const elementPhrase = descriptionPhrase((kind) => kind === "noun" || kind === "composite", elemType);
  return mkOptionType<Record<string, Value>, Record<string, Definition>>({
    name: lazy ? "lazyAttrsOf" : "attrsOf",
    description: `${lazy ? "lazy attribute set" : "attribute set"} of ${elementPhrase}`,
    descriptionClass: "composite",
    check: isAttrs,
    merge: (loc: OptionPath, definitions) => {
      // Its names are often unique to it: a dictionary from the start, not a hidden class per name.
      const result = hashTableObject() as Record<string, Value>;
      const byName = definitionsByAttribute(definitions);
      if (nameType !== undefined) checkNames(loc, nameType, byName);
      // forEach rather than for…of: no entry array per attribute. The lazy getter is made in a function of its own: a closure
      // made in the callback would have V8 allocate the callback's variables in a context object for every attribute.
      if (lazy) byName.forEach((attributeDefinitions, name) => defineLazyAttribute(result, name, extendPath(loc, name), elemType, attributeDefinitions));
      else {
        byName.forEach((attributeDefinitions, name) => {
          const value = mergeValue<Value>(extendPath(loc, name), elemType, attributeDefinitions);
          if (value !== NO_VALUE) result[name] = value;
        });
      }
      return result;
    },
    nestedTypes: nameType === undefined ? { elemType } : { elemType, nameType },
    emptyValue: { value: {} },
    ...(elemType.getSubOptions === undefined ? {} : { getSubOptions: (prefix, file) => elemType.getSubOptions?.([...prefix, `<${placeholder}>`], file) ?? {} }),
    typeMerge: (other) => {
      if (other.name !== (lazy ? "lazyAttrsOf" : "attrsOf")) return undefined;
      const otherElement = other.nestedTypes["elemType"];
      if (otherElement === undefined || other.nestedTypes["nameType"] !== nameType) return undefined;
      const element = elemType.typeMerge?.(otherElement) ?? (otherElement.name === elemType.name && otherElement.description === elemType.description ? elemType : undefined);
      return element === undefined ? undefined : attrsType(element, lazy, nameType, placeholder);
    },
  });
}

/** An attribute set whose values have type `elemType`, merged per attribute; `options.nameType` checks the names. */
export function attrsOf<Value, Definition>(elemType: OptionType<Value, Definition>, options: AttrsOfOptions = {}): OptionType<Record<string, Value>, Record<string, Definition>> {
  return attrsType(elemType, false, options.nameType);
}

/** Like {@link attrsOf}, but each attribute is merged only when read. */
export function lazyAttrsOf<Value, Definition>(elemType: OptionType<Value, Definition>, options: AttrsOfOptions = {}): OptionType<Record<string, Value>, Record<string, Definition>> {
  return attrsType(elemType, true, options.nameType);
}

/** The fields of `types.attrsWith`. */
export interface AttrsWithSpec<Value, Definition> extends AttrsOfOptions {
  /** The type of every attribute's value. */
  readonly elemType: OptionType<Value, Definition>;
  /** Whether each attribute is merged only when read (`lazyAttrsOf`). */
  readonly lazy?: boolean;
  /** The name shown for an attribute in documentation paths (`<name>` by default). */
  readonly placeholder?: string;
}

/** `attrsOf`/`lazyAttrsOf` with every setting named (nixpkgs' `attrsWith { elemType, lazy, placeholder }`; `nameType` is Kiln's). */
export function attrsWith<Value, Definition>(spec: AttrsWithSpec<Value, Definition>): OptionType<Record<string, Value>, Record<string, Definition>> {
  return attrsType(spec.elemType, spec.lazy ?? false, spec.nameType, spec.placeholder ?? "name");
}
