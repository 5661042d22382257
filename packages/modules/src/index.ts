/**
 * `@kiln/modules`: NixOS's module system in TypeScript.
 *
 * Modules declare options (`mkOption`, `types`) and define values (with
 * `mkIf`, `mkMerge`, `mkDefault`, `mkForce`, `mkOrder`, …); `evalModules`
 * merges them lazily into `config`. Declarations also give static types:
 * `ConfigOf<typeof module>` is the type of the options' values, and
 * `defineModule`/`withOptions` check definitions against them.
 *
 * Module functions read `config` as NixOS modules do
 * (`mkIf(config.services.foo.enable, { … })`, values computed from other
 * modules' options), in any module order: a first call with a placeholder
 * `config` finds a module's structure, and a second call with the real one,
 * made only when its definitions are needed, gives the values.
 *
 * @packageDocumentation
 * @module @kiln/modules
 */
export { checkAssertions, type Assertion, type EvalModulesArgs, type EvaluatedModules } from "./eval/eval-modules.js";
export { defineModule, withOptions, type Lib, type ModuleArgs, type ModuleBuilder, type ModuleFunction, type ModuleObject, type TypedModule, type ConfigDefinitions } from "./modules/define-module.js";
export { evalModules, lib } from "./lib.js";
export { configAttributeNames } from "./eval/config-proxy.js";

export { mkOption, type MkOptionSpec } from "./options/mk-option.js";
export { isOptionDeclaration, type OptionDeclaration, type AnyOptionDeclaration } from "./options/option-declaration.js";
export { literalExpression, literalMD, isLiteralText, LiteralText } from "./options/literal.js";
export { mkEnableOption } from "./options/mk-enable-option.js";
export { mkPackageOption, type MkPackageOptionSpec } from "./options/mk-package-option.js";
export { Option, type OptionSource } from "./options/option.js";
export { showOption, showFiles, type OptionPath } from "./options/show-option.js";
export { showDefinitions, PRIORITY_SUGGESTION, type LocatedValue } from "./options/show-definitions.js";

export { mkIf, MkIf, type Condition } from "./properties/mk-if.js";
export { mkAssert } from "./properties/mk-assert.js";
export { mkMerge, MkMerge } from "./properties/mk-merge.js";
export {
  mkOverride,
  mkDefault,
  mkOptionDefault,
  mkForce,
  mkVMOverride,
  mkImageMediaOverride,
  MkOverride,
  DEFAULT_OVERRIDE_PRIORITY,
  OPTION_DEFAULT_PRIORITY,
  MK_DEFAULT_PRIORITY,
  FORCE_PRIORITY,
  VM_OVERRIDE_PRIORITY,
  IMAGE_MEDIA_OVERRIDE_PRIORITY,
} from "./properties/mk-override.js";
export { mkOrder, mkBefore, mkAfter, MkOrder, DEFAULT_ORDER_PRIORITY } from "./properties/mk-order.js";
export { lazy, Lazy, isLazy } from "./properties/lazy.js";
export { isProperty, type Property } from "./properties/property.js";

export { types } from "./types/index.js";
export { mkOptionType, isOptionType, type OptionType, type AnyOptionType, type MergeDefinition, type DescriptionClass, type OptionTypeSpec, type ValueOfType, type DefinitionOfType } from "./types/option-type.js";
export { mergeEqualOption, mergeOneOption, mergeUniqueOption } from "./types/merge-helpers.js";
export type { PackageValue } from "./types/primitive-types.js";
export type { SubmoduleWithSpec } from "./types/submodule-types.js";
export type { AttrsOfOptions, AttrsWithSpec } from "./types/attrs-types.js";
export type { PathWithOptions } from "./types/path-with.js";

export { mergeDefinitions, type MergedDefinitions } from "./merge/merge-definitions.js";
export type { Definition } from "./merge/definition.js";

export { assertionsModule, ASSERTIONS_MODULE_KEY } from "./misc/assertions-module.js";
export { mkRenamedOptionModule } from "./renames/mk-renamed-option-module.js";
export { mkRemovedOptionModule } from "./renames/mk-removed-option-module.js";
export { mkChangedOptionModule } from "./renames/mk-changed-option-module.js";
export { mkAliasOptionModule } from "./renames/mk-alias-option-module.js";

export { optionsToJson, type OptionDocumentation } from "./docs/options-to-json.js";
/** {@link optionsToJson} under the name NixOS users know (`optionsToJSON`, as in `nixos/lib/make-options-doc`). */
export { optionsToJson as optionsToJSON } from "./docs/options-to-json.js";
export { optionsToMarkdown } from "./docs/options-to-markdown.js";

export type { ConfigOf, ConfigOfModules, ConfigValue, Definable, DefinitionsOf, OptionsTree, BuiltinConfig, Wrapped, OptionsBrand } from "./typing/config-of.js";

export * from "./errors/index.js";

export * from "./target/index.js";
export * from "./machine/index.js";
export * from "./home/index.js";
