/**
 * `evalModules`: evaluate a list of modules into `config` and `options`
 * (nixpkgs' `lib.evalModules`).
 *
 * Collecting the modules happens here: every module function is called
 * once with a placeholder `config`, which gives its imports and which
 * options it declares and defines. Merging happens later, one option at a
 * time, as `config` is read; a module function that read the placeholder is
 * called a second time, with the real `config`, when one of the options it
 * defines is merged (see `placeholder/`).
 *
 * The evaluator is made by {@link moduleEvaluator} from the `lib` that module
 * functions receive; `lib.ts` makes the one evaluator (whose `evalModules`
 * is also `lib.evalModules`) and hands it to the submodule types, so this
 * file imports neither.
 */
import { AssertionsFailedError } from "../errors/assertions-failed-error.js";
import type { OptionPath } from "../options/show-option.js";
import { EvaluationContext, type EvaluationSpec } from "./evaluation-context.js";
import { callerLocation } from "./module-location.js";
import type { BuiltinConfig, ConfigOfModules } from "../typing/config-of.js";

/** The arguments of {@link evalModules}. */
export interface EvalModulesArgs<Modules extends readonly unknown[] = readonly unknown[]> {
  /** The modules: objects, or functions of the module arguments returning one. */
  readonly modules: Modules;
  /** Arguments available to modules while they are collected (usable in `imports`). */
  readonly specialArgs?: Readonly<Record<string, unknown>>;
  /** Path of the configuration root, prepended to option paths in messages. */
  readonly prefix?: OptionPath;
  /** The class of modules accepted (nixpkgs' `class`, e.g. `"nixos"`): a module whose `_class` differs is refused. Modules read it as the `_class` argument. */
  readonly class?: string;
}

/** One failing assertion. */
export interface Assertion {
  /** Whether the condition holds. */
  readonly assertion: boolean;
  /** What to tell the user when it does not. */
  readonly message: string;
}

/** The result of {@link evalModules}. */
export interface EvaluatedModules<Config> {
  /** The lazy configuration: reading an option merges it. */
  readonly config: Config;
  /** The option tree: {@link Option} objects with values, definitions and declarations. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Evaluates these modules plus more (nixpkgs' `extendModules`). */
  extendModules(args?: Partial<EvalModulesArgs>): EvaluatedModules<Config>;
  /** Messages of the assertions whose condition is false (none when no module declares `assertions`). */
  readonly assertionFailures: readonly string[];
  /** The `warnings` option's value (empty when no module declares `warnings`). */
  readonly warnings: readonly string[];
}

/** The module evaluator: `evalModules`, and the nested evaluations of submodules. */
export interface ModuleEvaluator {
  /**
   * Evaluates `modules` into a lazy `config` and an `options` tree.
   *
   * Modules without a recorded location (see `defineModule`) are reported at
   * the line that called `evalModules`.
   */
  evalModules<const Modules extends readonly unknown[]>(args: EvalModulesArgs<Modules>): EvaluatedModules<ConfigOfModules<Modules> & BuiltinConfig>;
  /** Builds and collects a nested (not top-level) evaluation: a submodule's. */
  evaluateNested(spec: Omit<EvaluationSpec, "lib" | "topLevel">): EvaluationContext;
}

/** The evaluator whose module functions receive `lib()` as their `lib` argument. */
export function moduleEvaluator(lib: () => unknown): ModuleEvaluator {
  // `topLevel` apart rather than spread into a copy of the spec: one object fewer per submodule value.
  const run = (spec: Omit<EvaluationSpec, "lib" | "topLevel">, topLevel: boolean): EvaluationContext => {
    // The modules apart: the context keeps its settings, and the list only until its modules are collected.
    const context = new EvaluationContext(spec.modules, {
      specialArgs: spec.specialArgs,
      moduleArguments: spec.moduleArguments,
      prefix: spec.prefix,
      fallbackFile: spec.fallbackFile,
      topLevel,
      moduleClass: spec.moduleClass,
      lib,
    });
    context.evaluate();
    return context;
  };
  const evaluate = (spec: Omit<EvaluationSpec, "lib">): EvaluationContext => run(spec, spec.topLevel);
  return {
    evalModules: <const Modules extends readonly unknown[]>(args: EvalModulesArgs<Modules>) => evaluatedModules<ConfigOfModules<Modules> & BuiltinConfig>(evaluate, args, callerLocation() ?? "<unknown-file>"),
    evaluateNested: (spec) => run(spec, false),
  };
}

function evaluatedModules<Config>(evaluate: (spec: Omit<EvaluationSpec, "lib">) => EvaluationContext, args: EvalModulesArgs, fallbackFile: string): EvaluatedModules<Config> {
  const context = evaluate({ modules: args.modules, specialArgs: args.specialArgs ?? {}, prefix: args.prefix ?? [], fallbackFile, topLevel: true, moduleClass: args.class });
  const config = context.checkedConfig as { assertions?: readonly Assertion[]; warnings?: readonly string[] };
  const options = context.checkedOptions as Readonly<Record<string, unknown>>;
  // evalModules declares neither option (as in nixpkgs); they exist when a module such as assertionsModule declares them.
  const declared = (name: string): boolean => Object.hasOwn(options, name);
  return {
    config: config as Config,
    options,
    extendModules: (extra = {}) =>
      evaluatedModules<Config>(
        evaluate,
        {
          modules: [...args.modules, ...(extra.modules ?? [])],
          specialArgs: { ...args.specialArgs, ...extra.specialArgs },
          prefix: extra.prefix ?? args.prefix ?? [],
          ...(extra.class ?? args.class ? { class: extra.class ?? args.class } : {}),
        },
        fallbackFile,
      ),
    get assertionFailures() {
      if (!declared("assertions")) return [];
      return (config.assertions ?? []).filter((assertion) => !assertion.assertion).map((assertion) => assertion.message);
    },
    get warnings() {
      return declared("warnings") ? (config.warnings ?? []) : [];
    },
  };
}

/** Throws {@link AssertionsFailedError} listing every failed assertion; returns the warnings otherwise. */
export function checkAssertions(result: Pick<EvaluatedModules<unknown>, "assertionFailures" | "warnings">): readonly string[] {
  const failures = result.assertionFailures;
  if (failures.length > 0) throw new AssertionsFailedError(failures);
  return result.warnings;
}
