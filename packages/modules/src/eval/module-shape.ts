/**
 * Brings a module into canonical form (nixpkgs' `unifyModuleSyntax`):
 * `{ imports, options, config, key, _file, disabledModules, freeformType }`.
 *
 * An object with neither `options` nor `config` is shorthand: everything but
 * the meta attributes is config. `config` is kept as a source to read later,
 * and a getter is not called here, so a module may compute its config from
 * `config` once all declarations are known (`get config() { … }`).
 *
 * The first call of a module function sees a placeholder `config` (see
 * `placeholder.ts`); `imports`, `key` and `disabledModules` are taken from that
 * call alone, so they may not come from `config` (in NixOS that is infinite
 * recursion, for the same reason: imports decide which options exist).
 */
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import { isPlaceholder } from "../placeholder/index.js";
import { MkIf } from "../properties/mk-if.js";
import { MkOverride } from "../properties/mk-override.js";
import { ownGetter } from "../properties/own-getter.js";

/**
 * Where a module's config comes from: a value, or a getter to call when
 * definitions are indexed. A `structural` value (the `freeformType`
 * attribute) is taken from a module function's first call only.
 */
export type ConfigSource =
  | { readonly kind: "value"; readonly value: unknown; readonly structural?: boolean }
  | { readonly kind: "getter"; readonly read: () => unknown }
  | { readonly kind: "shorthand"; readonly object: object; readonly excluded: ReadonlySet<string> }
  | { readonly kind: "released" };

const RELEASED: ConfigSource = { kind: "released" };

/**
 * Lets go of the config of a module function's call once the last
 * evaluation that walks it (the final one) has taken its definitions, which
 * hold what they need: the rest of the call's result can be garbage
 * collected. Walking it afterwards is an internal error.
 */
export function releaseConfig(shaped: ShapedModule): void {
  const config = shaped.config as ConfigSource[];
  // Nothing to let go of an empty one. Otherwise shortened to one, not emptied: a push onto an emptied list gives it room for 17.
  // (And its length set only when longer: setting an array's length is a call into the engine's runtime, microseconds each.)
  if (config.length === 0) return;
  if (config.length > 1) config.length = 1;
  config[0] = RELEASED;
}

/** A module in canonical form. */
export interface ShapedModule {
  /** Where the module was written. */
  readonly file: string;
  /** An explicit identity for deduplication and `disabledModules`. */
  readonly key: string | undefined;
  /** The module's `_class` (`"nixos"`, `"homeManager"`, …): the kind of evaluation it is written for. */
  readonly moduleClass: string | undefined;
  /** Modules this one imports. */
  readonly imports: readonly unknown[];
  /** Modules to leave out of the evaluation. */
  readonly disabledModules: readonly unknown[];
  /** The option declarations (a nested object of `mkOption` results). */
  readonly options: unknown;
  /** The config, possibly unread. */
  readonly config: readonly ConfigSource[];
}

const META_ATTRIBUTES = new Set(["_class", "_file", "key", "disabledModules", "imports", "require", "options", "config", "meta", "freeformType"]);
const SHORTHAND_EXCLUDED = new Set(["_class", "_file", "key", "disabledModules", "require", "imports", "freeformType"]);

// Asked for ten attributes of every module, most of them absent: `hasOwn` allocates nothing, where a property descriptor would.
function ownValue(object: object, name: string): unknown {
  return Object.hasOwn(object, name) ? (object as Record<string, unknown>)[name] : undefined;
}

function dependsOnConfig(name: string, file: string): InvalidModuleError {
  return new InvalidModuleError(
    `infinite recursion encountered while evaluating the \`${name}' of module \`${file}': it depends on \`config' (or another module argument from \`_module.args'). Which modules are imported decides which options exist, so it may only depend on \`specialArgs'. Import the module unconditionally and guard its definitions with \`mkIf', or pass what you need in \`specialArgs'.`,
  );
}

const NONE: readonly unknown[] = Object.freeze([]);

function listAttribute(object: object, name: string, file: string): readonly unknown[] {
  const value = ownValue(object, name);
  if (value === undefined) return NONE;
  if (isPlaceholder(value)) throw dependsOnConfig(name, file);
  if (!Array.isArray(value)) throw new InvalidModuleError(`The \`${name}' of module \`${file}' must be a list, not ${typeof value}.`);
  if (value.some(isPlaceholder)) throw dependsOnConfig(name, file);
  return value;
}

/** The canonical form of a module value (after calling it, if it was a function). */
export function shapeModule(module: unknown, fallbackFile: string): ShapedModule {
  if (module instanceof MkIf || module instanceof MkOverride) return shapeModule({ config: module }, fallbackFile);
  if (isPlaceholder(module)) throw dependsOnConfig("result", fallbackFile);
  if (typeof module !== "object" || module === null || Array.isArray(module)) {
    throw new InvalidModuleError(`module \`${fallbackFile}' does not look like a module: expected an object or a function returning one, got ${Array.isArray(module) ? "a list" : typeof module}.`);
  }
  const declaredFile = ownValue(module, "_file");
  const file = typeof declaredFile === "string" ? declaredFile : fallbackFile;
  const declaredKey = ownValue(module, "key");
  if (isPlaceholder(declaredKey)) throw dependsOnConfig("key", file);
  const key = declaredKey === undefined ? undefined : String(declaredKey);
  const declaredClass = ownValue(module, "_class");
  if (isPlaceholder(declaredClass)) throw dependsOnConfig("_class", file);
  const moduleClass = declaredClass === undefined || declaredClass === null ? undefined : String(declaredClass);
  const freeformType = ownValue(module, "freeformType");
  const freeformSource: ConfigSource | undefined = freeformType === undefined ? undefined : { kind: "value", value: { _module: { freeformType } }, structural: true };
  const required = listAttribute(module, "require", file);
  const imported = listAttribute(module, "imports", file);
  const imports = required.length === 0 ? imported : imported.length === 0 ? required : [...required, ...imported];
  const disabledModules = listAttribute(module, "disabledModules", file);
  // Asked one by one (own and enumerable, as `Object.keys` lists): the list of names is made only for a message.
  if (isEnumerable.call(module, "config") || isEnumerable.call(module, "options")) {
    const unsupported = hasOwnNameOutside(module, META_ATTRIBUTES) ? Object.keys(module).filter((name) => !META_ATTRIBUTES.has(name)) : NO_NAMES;
    if (unsupported.length > 0) {
      throw new InvalidModuleError(
        `Module \`${key ?? file}' has an unsupported attribute \`${unsupported[0] ?? ""}'. This is caused by introducing a top-level \`config' or \`options' attribute. Add configuration attributes immediately on the top level instead, or move all of them (namely: ${unsupported.join(" ")}) into the explicit \`config' attribute.`,
      );
    }
    // Asked without a property descriptor (`hasOwn` and the getter lookup allocate nothing).
    let source: ConfigSource | undefined;
    if (Object.hasOwn(module, "config")) {
      const getter = ownGetter(module, "config");
      source = getter !== undefined ? getterSource(module, getter) : { kind: "value", value: (module as Record<string, unknown>)["config"] };
    }
    return { file, key, moduleClass, imports, disabledModules, options: ownValue(module, "options") ?? {}, config: sources(source, freeformSource) };
  }
  return { file, key, moduleClass, imports, disabledModules, options: {}, config: sources({ kind: "shorthand", object: module, excluded: SHORTHAND_EXCLUDED }, freeformSource) };
}

const NO_NAMES: readonly string[] = Object.freeze([]);
/** Whether an own attribute is enumerable (called with `.call`: own and enumerable is what `Object.keys` lists). */
const isEnumerable = Object.prototype.propertyIsEnumerable;

/** Whether `object` has an own enumerable attribute whose name is not in `names` (a walk by `for … in`, which allocates no list of names for a plain object). */
function hasOwnNameOutside(object: object, names: ReadonlySet<string>): boolean {
  for (const name in object) if (Object.hasOwn(object, name) && !names.has(name)) return true;
  return false;
}

/** A module's config sources, in a list of its own (`releaseConfig` empties it) made at its size: kept as long as the module. */
function sources(config: ConfigSource | undefined, freeform: ConfigSource | undefined): ConfigSource[] {
  if (config === undefined) return freeform === undefined ? [] : [freeform];
  return freeform === undefined ? [config] : [config, freeform];
}

/** A module's `config` getter as a source (made apart from the shaping, which would otherwise allocate its closure context for every module). */
function getterSource(module: object, getter: () => unknown): ConfigSource {
  return { kind: "getter", read: () => getter.call(module) };
}
