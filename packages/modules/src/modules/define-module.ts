/**
 * `defineModule`: the typed way to write a module, and how a module gets a
 * source location for error messages.
 *
 * At runtime it returns its argument unchanged, after recording the caller's
 * `file:line:column` (the first stack frame outside this package), which the
 * module system then reports as the module's file. At compile time it
 * infers the module's options, so `config: { … }` is checked against them and
 * `ConfigOf<typeof module>` is the type of their values:
 *
 * ```ts
 * const web = defineModule({
 *   options: { web: { enable: mkEnableOption("the web server"), port: mkOption({ type: types.port, default: 80 }) } },
 *   config: { web: { port: mkDefault(8080) } },
 * });
 * type Web = ConfigOf<typeof web>; // { web: { enable: boolean; port: number } }
 * ```
 *
 * For module functions, name the modules whose options `config` should be
 * typed with: `defineModule<[typeof web]>(({ config }) => ({ config: … }))`,
 * or let them be inferred with {@link withOptions}.
 */
import type { lib } from "../lib.js";
import { callerStack, recordModuleLocation } from "../eval/module-location.js";
import type { AnyOptionType } from "../types/option-type.js";
import type { BuiltinConfig, ConfigOfModules, ConfigValue, Definable, OptionsBrand, OptionsTree } from "../typing/config-of.js";

/** The `lib` argument's type. */
export type Lib = typeof lib;

/** The arguments a module function receives, with `config` of type `Config`. */
export interface ModuleArgs<Config> {
  /** The lazy configuration. */
  readonly config: Config & BuiltinConfig;
  /** The option tree (`options.a.b.isDefined`, …). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The module library (`lib.mkIf`, `lib.types`, …). */
  readonly lib: Lib;
  /** In a submodule, the attribute name it is bound to. */
  readonly name: string;
  /** The `specialArgs` of the evaluation. */
  readonly specialArgs: Readonly<Record<string, unknown>>;
  /** `specialArgs` and `_module.args` entries. */
  readonly [argument: string]: unknown;
}

/** Definitions for a configuration of type `Config`: deep-partial, properties anywhere. */
export type ConfigDefinitions<Config> = Definable<Config & BuiltinConfig>;

/** A module object whose `config` is checked against `Config`. */
export interface ModuleObject<Options extends OptionsTree, Config> {
  /** The file reported in messages (defaults to where `defineModule` was called). */
  readonly _file?: string;
  /** Identity for deduplication and `disabledModules`. */
  readonly key?: string;
  /** Modules to include. */
  readonly imports?: readonly unknown[];
  /** Modules to exclude, by value or key. */
  readonly disabledModules?: readonly unknown[];
  /** Option declarations. */
  readonly options?: Options;
  /** Definitions. */
  readonly config?: ConfigDefinitions<Config>;
  /** Type for definitions without a declared option. */
  readonly freeformType?: AnyOptionType;
  /** Free-form metadata. */
  readonly meta?: unknown;
}

/** A module carrying the type of its options. */
export type TypedModule<Options> = OptionsBrand<Options> & object;

/** A module function whose `config` is typed by `Config`. */
export type ModuleFunction<Config, Options extends OptionsTree = OptionsTree> = (args: ModuleArgs<Config>) => ModuleObject<Options, Config>;

/**
 * Declares a module: an object whose `config` is checked against its own
 * options (and those of `Dependencies`), or a function whose `config`
 * argument is typed by the options of `Dependencies`.
 */
export function defineModule<const Dependencies extends readonly object[] = [], const Options extends OptionsTree = {}>(
  module: ModuleObject<Options, ConfigOfModules<Dependencies> & ConfigValue<NoInfer<Options>>> | ModuleFunction<ConfigOfModules<Dependencies>>,
): TypedModule<Options> & (ModuleObject<Options, ConfigValue<Options>> | ModuleFunction<ConfigOfModules<Dependencies>>) {
  recordModuleLocation(module, callerStack());
  return module as TypedModule<Options> & (ModuleObject<Options, ConfigValue<Options>> | ModuleFunction<ConfigOfModules<Dependencies>>);
}

/** A builder of modules typed by the options of `Dependencies`. */
export interface ModuleBuilder<Config> {
  /** A module function; `config` is typed, and so are the definitions it returns (including its own options'). */
  module<const Options extends OptionsTree = {}>(module: (args: ModuleArgs<Config>) => ModuleObject<Options, Config & ConfigValue<NoInfer<Options>>>): TypedModule<Options> & ((args: ModuleArgs<Config>) => ModuleObject<Options, Config>);
  /** A module object whose definitions are checked against `Config` and its own options. */
  define<const Options extends OptionsTree = {}>(module: ModuleObject<Options, Config & ConfigValue<NoInfer<Options>>>): TypedModule<Options> & ModuleObject<Options, Config>;
}

/**
 * Starts a module typed by other modules' options:
 * `withOptions(base, other).module(({ config }) => ({ config: { … } }))`.
 */
export function withOptions<const Dependencies extends readonly object[]>(...dependencies: Dependencies): ModuleBuilder<ConfigOfModules<Dependencies>> {
  void dependencies;
  return {
    module(module) {
      recordModuleLocation(module, callerStack());
      return module as never;
    },
    define(module) {
      recordModuleLocation(module, callerStack());
      return module as never;
    },
  };
}
