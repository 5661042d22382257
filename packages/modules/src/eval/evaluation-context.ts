/**
 * Runs one `evalModules` (top level or a submodule): collects the modules,
 * builds the final {@link Evaluation}, and serves the lazy `config` and
 * `options` objects the modules receive.
 *
 * JavaScript runs a module function's body at once, while its structure is
 * needed before any option can be merged. So module functions are first
 * called with placeholders (`placeholder/placeholder.ts`) for `config`, `options` and the
 * `_module.args` arguments, and again with the real lazy objects when their
 * values are needed (`placeholder/module-calls.ts`). `specialArgs`, `lib` and a
 * submodule's `name` are real in both calls.
 *
 * A function whose first call throws is opaque: it is called once, for real,
 * after the other modules are collected. Its reads are answered from a
 * provisional evaluation of the modules complete so far, and verified when
 * collection ends (see `placeholder/premature-reads.ts`). Nested early reads are followed
 * up to a fixed depth, beyond which the provisional answer is used and the
 * verification decides.
 */
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import { PrematureReadError } from "../errors/premature-read-error.js";
import { showOption, type OptionPath } from "../options/show-option.js";
import { ModuleCollector, type CollectedModule } from "./collect-modules.js";
import { afterEvaluation, evaluationDepth, evaluationStack } from "./cycle-detection.js";
import { configProxy, optionsProxy, type ProxyHost } from "./config-proxy.js";
import { Evaluation } from "./evaluation.js";
import { internalModule } from "./internal-module.js";
import { shapeModule, type ShapedModule } from "./module-shape.js";
import { ModuleCalls, verifyPrematureReads, type ModuleCallsHost, type PrematureRead } from "../placeholder/index.js";

/** How deep early reads may nest collection before the provisional answer is used. */
const MAX_NESTED_COLLECTION = 64;

/** What an evaluation is asked to do. */
export interface EvaluationSpec {
  /** The modules (objects or functions). */
  readonly modules: readonly unknown[];
  /** Extra module arguments available while collecting (NixOS's `specialArgs`). */
  readonly specialArgs: Readonly<Record<string, unknown>>;
  /** Module arguments set by the enclosing evaluation (a submodule's `name`). */
  readonly moduleArguments?: Readonly<Record<string, unknown>>;
  /** The path of the evaluation's root. */
  readonly prefix: OptionPath;
  /** File reported for modules without a known location. */
  readonly fallbackFile: string;
  /** Whether this is a top-level evaluation (declares `assertions`/`warnings`). */
  readonly topLevel: boolean;
  /** The `lib` argument given to module functions. */
  readonly lib: () => unknown;
  /** The class of modules this evaluation accepts (nixpkgs' `class`); modules with another `_class` are refused. */
  readonly moduleClass?: string | undefined;
}

/**
 * What the config and options proxies of a context resolve against: a class
 * rather than an object of closures (one object per submodule value instead
 * of three closures and two objects).
 */
class ContextHost implements ProxyHost {
  readonly #context: EvaluationContext;
  readonly checked: boolean;

  constructor(context: EvaluationContext, checked: boolean) {
    this.#context = context;
    this.checked = checked;
  }

  evaluation(): Evaluation {
    return this.checked ? this.#context.evaluate() : this.#context.current();
  }

  missing(path: readonly string[]): unknown {
    return this.#context.missing(path);
  }
}

/** See the file comment. */
export class EvaluationContext {
  /** The settings (the module list is not kept: once collected, a submodule value's definitions and their modules live in its evaluation). */
  readonly #spec: Omit<EvaluationSpec, "modules">;
  /** The collector, until the final evaluation is built (then nothing needs it). */
  #collector: ModuleCollector | undefined;
  #final: Evaluation | undefined;
  #building = false;
  #provisional: { readonly count: number; readonly evaluation: Evaluation } | undefined;
  /** Reads made from provisional evaluations, verified when collection ends (made at the first: most evaluations have none). */
  #reads: PrematureRead[] | undefined;
  #earlyModules: Set<CollectedModule> | undefined;
  #nesting = 0;
  /** Proxies for module code (no undeclared-option check); made when first asked for (a submodule value's modules seldom read config). */
  #internal: ProxyHost | undefined;
  /** Proxies for callers of `evalModules` (run the undeclared-option check first). */
  #external: ProxyHost | undefined;
  /** What module functions' two calls need from here (made for the first module function: a submodule's evaluation often has none). */
  #callsHost: ModuleCallsHost<ShapedModule> | undefined;
  /** A module whose two calls disagree after values were handed out: those may be wrong, so every later read fails too. */
  #failure: { readonly error: unknown } | undefined;
  /** What every first call's arguments share (`config` and `options` are per module). */
  #placeholderBase: Record<string, unknown> | undefined;
  /** What every real call's arguments share. */
  #realBase: Record<string, unknown> | undefined;
  /** `_module.args` arguments asked for by first calls, checked when collection ends. */
  #requestedArguments: Array<{ readonly calls: ModuleCalls<ShapedModule>; readonly name: string; readonly file: string }> | undefined;

  /** Prepares an evaluation of `modules`; nothing runs until {@link evaluate}. */
  constructor(modules: readonly unknown[], spec: Omit<EvaluationSpec, "modules">) {
    this.#spec = spec;
    this.#collector = new ModuleCollector([...modules, internalModule(spec.topLevel)], spec.fallbackFile, {
      first: (module, file) => {
        const calls = new ModuleCalls<ShapedModule>(module, (this.#callsHost ??= this.#makeCallsHost()));
        const value = calls.scope.run(() => module(this.#placeholderArgumentsFor(calls, file) as never));
        return { calls, value };
      },
      real: (module, file) => module(this.#argumentsFor(file) as never),
    }, spec.moduleClass);
  }

  #makeCallsHost(): ModuleCallsHost<ShapedModule> {
    return {
      prefix: this.#spec.prefix,
      callReal: (module, file) => shapeModule(module(this.#argumentsFor(file) as never), file),
      secondCallDone: (calls) => (this.#final ?? this.#provisional?.evaluation)?.index.reconcile(calls),
      checkFailed: (error) => {
        this.#failure ??= { error };
      },
      evaluationDepth,
      evaluationStack,
      afterEvaluation,
    };
  }

  /** The `config` modules see. */
  get config(): object {
    return configProxy((this.#internal ??= new ContextHost(this, false)), []);
  }

  /** The `options` modules see. */
  get options(): object {
    return optionsProxy((this.#internal ??= new ContextHost(this, false)), []);
  }

  /** The `config` given to callers (checks for undeclared options on first use). */
  get checkedConfig(): object {
    return configProxy((this.#external ??= new ContextHost(this, true)), []);
  }

  /** The `options` given to callers. */
  get checkedOptions(): object {
    return optionsProxy((this.#external ??= new ContextHost(this, true)), []);
  }

  /** The collector, while modules are being collected. */
  get #collecting(): ModuleCollector {
    if (this.#collector === undefined) throw new Error("internal error: modules are collected after the final evaluation was built");
    return this.#collector;
  }

  /** Collects every module and builds the final evaluation (once). */
  evaluate(): Evaluation {
    if (this.#failure !== undefined) throw this.#failure.error;
    if (this.#final !== undefined) return this.#final;
    if (this.#building) throw new InvalidModuleError("Option declarations must not read `config`: the option tree is being built.");
    const collector = this.#collecting;
    collector.drain();
    this.#building = true;
    try {
      const final = new Evaluation(collector.orderedModules(), { prefix: this.#spec.prefix, partial: false, internalModule: internalModule(this.#spec.topLevel) });
      verifyPrematureReads(this.#reads ?? [], final, this.#spec.prefix, this.#earlyModules ?? new Set());
      this.#checkRequestedArguments(final);
      this.#final = final;
      final.index.markFinal();
      // Only the final evaluation is used from now on.
      this.#collector = undefined;
      this.#provisional = undefined;
      this.#earlyModules = undefined;
      this.#reads = undefined;
      this.#requestedArguments = undefined;
      return final;
    } finally {
      this.#building = false;
    }
  }

  /** The evaluation to answer a read from now: the final one, or a provisional one while collecting. */
  current(): Evaluation {
    if (this.#failure !== undefined) throw this.#failure.error;
    if (this.#final !== undefined) return this.#final;
    if (this.#building) throw new InvalidModuleError("Option declarations must not read `config`: the option tree is being built.");
    const collector = this.#collecting;
    if (this.#nesting < MAX_NESTED_COLLECTION) {
      this.#nesting++;
      try {
        collector.drain();
      } finally {
        this.#nesting--;
      }
    }
    if (collector.isDone) return this.evaluate();
    const count = collector.completedCount;
    if (this.#provisional?.count !== count) {
      const modules = collector.orderedModules();
      const earlyModules = (this.#earlyModules ??= new Set());
      for (const module of modules) earlyModules.add(module);
      const evaluation = new Evaluation(modules, {
        prefix: this.#spec.prefix,
        partial: true,
        internalModule: internalModule(this.#spec.topLevel),
        onRead: (path, kind) => (this.#reads ??= []).push({ path, kind, completedCount: count, reader: collector.inProgress.at(-1) ?? this.#spec.fallbackFile }),
      });
      this.#provisional = { count, evaluation };
    }
    return this.#provisional.evaluation;
  }

  /**
   * A first call asked for a `_module.args` argument and got a placeholder.
   * If no module's structure defines that argument, say so now rather than
   * when the module's values are first needed.
   */
  #checkRequestedArguments(final: Evaluation): void {
    const requested = this.#requestedArguments;
    if (requested === undefined) return;
    const node = final.optionAt(["_module", "args"]);
    const names = node === undefined ? undefined : final.index.attributeNames(node);
    if (names === undefined) return;
    const collected = new Set(final.modules.map((module) => module.calls));
    for (const { calls, name, file } of requested) {
      if (!names.has(name) && collected.has(calls)) {
        throw new InvalidModuleError(`The module argument \`${name}' requested by \`${file}' is not defined. Pass it in \`specialArgs\` or set \`_module.args.${name}\`.`);
      }
    }
  }

  /** What reading a path no module declares gives: nothing, or an error while modules are still being collected. */
  missing(path: readonly string[]): unknown {
    if (this.#final !== undefined || this.#collecting.isDone) return undefined;
    const shown = showOption([...this.#spec.prefix, ...path]);
    const reader = this.#collecting.inProgress.at(-1) ?? this.#spec.fallbackFile;
    throw new PrematureReadError(
      `infinite recursion encountered while evaluating: module \`${reader}' reads \`${shown}', which no module collected so far declares; it may be declared by a module still being evaluated (maybe the reading module itself). The reading module is called before all modules are known because its first call, with a placeholder config, threw. Read it lazily: \`mkIf(() => …, …)\`, \`lazy(() => …)\`, a getter at the option, or \`get config() { … }\` in the module.`,
      [shown, shown],
    );
  }

  /**
   * The arguments of a module function's first call: placeholders for
   * everything that comes from option values, real `specialArgs`, `lib` and
   * submodule `name`. Asking for a `_module.args` argument counts as touching
   * config, since its value (even unread) may end up in a definition.
   */
  #placeholderArgumentsFor(calls: ModuleCalls<ShapedModule>, file: string): object {
    const scope = calls.scope;
    const base = (this.#placeholderBase ??= {
      ...this.#spec.specialArgs,
      _class: this.#spec.moduleClass ?? null,
      ...this.#spec.moduleArguments,
      config: undefined,
      options: undefined,
      lib: this.#spec.lib(),
      specialArgs: this.#spec.specialArgs,
    });
    return new Proxy(base, {
      get: (object, name) => {
        // Made on demand: most modules never look at `options`.
        if (name === "config") return scope.root("config", () => this.config);
        if (name === "options") return scope.root("options", () => this.options);
        if (typeof name === "symbol" || name in object) return Reflect.get(object, name);
        scope.touched = true;
        (this.#requestedArguments ??= []).push({ calls, name, file });
        return scope.root(`_module.args.${name}`, () => this.#moduleArgument(name, file));
      },
      getOwnPropertyDescriptor: (object, name) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(object, name);
        return descriptor === undefined || (name !== "config" && name !== "options") ? descriptor : { ...descriptor, value: scope.root(name, () => (name === "config" ? this.config : this.options)) };
      },
      set: () => false,
    });
  }

  #argumentsFor(file: string): object {
    // Shared by all real calls (the proxy below only adds the file, for messages).
    const target = (this.#realBase ??= {
      ...this.#spec.specialArgs,
      _class: this.#spec.moduleClass ?? null,
      ...this.#spec.moduleArguments,
      config: this.config,
      options: this.options,
      lib: this.#spec.lib(),
      specialArgs: this.#spec.specialArgs,
    });
    return new Proxy(target, {
      get: (object, name) => {
        if (typeof name === "symbol" || name in object) return Reflect.get(object, name);
        return this.#moduleArgument(name, file);
      },
      // Read-only, as in the first call.
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
    });
  }

  // Arguments not given by specialArgs come from `_module.args`, read when the module asks for them.
  #moduleArgument(name: string, file: string): unknown {
    const evaluation = this.current();
    const node = evaluation.optionAt(["_module", "args"]);
    const args = node === undefined ? undefined : (evaluation.resolve(["_module", "args", name]) as { kind: string; value?: unknown });
    if (args === undefined || args.kind !== "value" || args.value === undefined) {
      const definedYet = this.#final !== undefined || this.#collecting.isDone;
      throw new InvalidModuleError(
        `The module argument \`${name}' requested by \`${file}' is not defined${definedYet ? "" : " by the modules collected so far"}. Pass it in \`specialArgs\` or set \`_module.args.${name}\`.`,
      );
    }
    return args.value;
  }
}
