/**
 * Submodules: option values that are themselves module evaluations
 * (`types.submodule`, `types.submoduleWith`), and `types.deferredModule`,
 * a module kept for another evaluation.
 *
 * Each definition becomes a module of a nested `evalModules` whose prefix is
 * the option's path; an attribute set is config (shorthand), a function is a
 * module. Modules see `name`: the last component of the option path, which
 * for `attrsOf (submodule …)` is the attribute name. The merged value is the
 * nested evaluation's lazy `config`.
 */
import { isPlaceholder, realValueOfPlaceholder } from "../placeholder/index.js";
import type { OptionPath } from "../options/show-option.js";
import { isAttrs } from "./merge-helpers.js";
import { nestedEvaluator } from "./nested-evaluator.js";
import { mkOptionType, type AnyOptionType, type OptionType } from "./option-type.js";
import type { ConfigOfModules, ConfigValue, Definable, OptionsBrand } from "../typing/config-of.js";

/** The fields of `types.submoduleWith`. */
export interface SubmoduleWithSpec {
  /** Modules making up the submodule (declaring its options). */
  readonly modules: readonly unknown[];
  /** `specialArgs` for the nested evaluation. */
  readonly specialArgs?: Readonly<Record<string, unknown>>;
  /** Whether an attribute-set definition is config only (true for `types.submodule`). */
  readonly shorthandOnlyDefinesConfig?: boolean;
  /** Overrides the description ("submodule"). */
  readonly description?: string;
  /** The class of modules accepted inside (nixpkgs' `class`); a module with another `_class` is refused. */
  readonly class?: string;
}

function definitionModule(value: unknown, file: string, shorthandOnlyDefinesConfig: boolean): unknown {
  if (typeof value === "function") return { _file: file, imports: [value] };
  if (isAttrs(value) && shorthandOnlyDefinesConfig) return { _file: file, config: value };
  return { _file: file, imports: [value] };
}

/** The configuration type of a submodule's module (or list of modules), from their declared options. */
export type SubmoduleValue<Module> = Module extends readonly unknown[]
  ? ConfigOfModules<Module> extends infer Config
    ? keyof Config extends never
      ? Record<string, unknown>
      : Config
    : never
  : Module extends { readonly options: infer Declared }
    ? ConfigValue<Declared>
    : Module extends OptionsBrand<infer Options>
      ? unknown extends Options
        ? Record<string, unknown>
        : {} extends Options
          ? Record<string, unknown>
          : ConfigValue<Options>
      : Record<string, unknown>;

/** What a definition of a submodule option may be: a (partial) config, or a module function. */
export type SubmoduleDefinition<Value> = Definable<Value> | ((args: never) => unknown);

/** A submodule type from the given modules (nixpkgs' `submoduleWith`). */
export function submoduleWith<Value extends object>(spec: SubmoduleWithSpec): OptionType<Value, SubmoduleDefinition<Value>> {
  const shorthand = spec.shorthandOnlyDefinesConfig ?? false;
  const type: OptionType<Value, SubmoduleDefinition<Value>> = mkOptionType<Value, SubmoduleDefinition<Value>>({
    name: "submodule",
    description: spec.description ?? "submodule",
    // nixpkgs gives submodules no description class, so they are parenthesised: `attribute set of (submodule)`.
    descriptionClass: null,
    check: (value) => isAttrs(value) || typeof value === "function",
    merge: (loc: OptionPath, definitions) => {
      const context = nestedEvaluator()({
        // `concat`, not spread: a list built by spread keeps room to grow, in every submodule value's evaluation.
        modules: realModules(spec.modules).concat(definitions.map((definition) => definitionModule(definition.value, definition.file, shorthand))),
        specialArgs: spec.specialArgs ?? {},
        moduleArguments: { name: loc[loc.length - 1] ?? "" },
        prefix: loc,
        fallbackFile: definitions[0]?.file ?? "<unknown-file>",
        moduleClass: spec.class,
      });
      return context.checkedConfig as Value;
    },
    // nixpkgs' `base.config`: the submodule's own modules evaluated without definitions, computed when first read.
    emptyValue: {
      get value(): Value {
        return type.merge([], []);
      },
    },
    typeMerge: (other: AnyOptionType) => {
      const otherSpec = submoduleSpecs.get(other);
      if (otherSpec === undefined) return undefined;
      return submoduleWith<Value>({
        modules: [...spec.modules, ...otherSpec.modules],
        specialArgs: { ...spec.specialArgs, ...otherSpec.specialArgs },
        shorthandOnlyDefinesConfig: shorthand && (otherSpec.shorthandOnlyDefinesConfig ?? false),
        ...(spec.description === undefined ? {} : { description: spec.description }),
        ...(spec.class === undefined ? {} : { class: spec.class }),
      });
    },
    getSubOptions: (prefix, declaringFile) => {
      const context = nestedEvaluator()({ modules: realModules(spec.modules), specialArgs: spec.specialArgs ?? {}, moduleArguments: { name: "<name>" }, prefix, fallbackFile: declaringFile ?? "<unknown-file>", moduleClass: spec.class });
      return context.options as Readonly<Record<string, unknown>>;
    },
  });
  submoduleSpecs.set(type, spec);
  return type;
}

/**
 * The submodule's modules with placeholders replaced by real values: a module
 * function that builds `submoduleWith({ modules: [config.x] })` (a
 * `deferredModule` option's value) ran first with a placeholder `config`,
 * whose real value is known by the time the submodule is merged.
 */
function realModules(modules: readonly unknown[]): readonly unknown[] {
  return modules.some(isPlaceholder) ? modules.map((module) => (isPlaceholder(module) ? realValueOfPlaceholder(module) : module)) : modules;
}

const submoduleSpecs = new WeakMap<AnyOptionType, SubmoduleWithSpec>();

/** A submodule: one module or a list of modules; attribute-set definitions are config (nixpkgs' `submodule`). The value type follows from the modules' options. */
export function submodule<const Module>(modules: Module): OptionType<SubmoduleValue<Module>, SubmoduleDefinition<SubmoduleValue<Module>>> {
  return submoduleWith<SubmoduleValue<Module>>({ modules: Array.isArray(modules) ? modules : [modules], shorthandOnlyDefinesConfig: true });
}

/** A module value, kept unevaluated for use in another evaluation; all definitions are collected as imports (nixpkgs' `deferredModule`). */
export const deferredModule: OptionType<{ readonly imports: readonly unknown[] }, unknown> = mkOptionType<{ readonly imports: readonly unknown[] }, unknown>({
  name: "deferredModule",
  description: "module",
  check: (value) => isAttrs(value) || typeof value === "function",
  merge: (_loc, definitions) => ({ imports: definitions.map((definition) => ({ _file: definition.file, imports: [definition.value] })) }),
});
