/**
 * The two calls of a module function.
 *
 * NixOS modules read `config` freely (`mkIf cfg.enable { … }`, a default
 * computed from another option), because Nix only evaluates what is needed.
 * A JavaScript function runs its whole body at once, so a module function is
 * called in two phases:
 *
 * 1. **Structure.** While modules are collected, the function is called with
 *    placeholders (see `placeholder.ts`) for `config`, `options` and `_module.args`
 *    arguments. From that result we take `imports`, `key`, `_file`,
 *    `disabledModules`, `freeformType`, the options it declares (paths and
 *    types) and the paths it defines; `mkIf` conditions are not evaluated to
 *    find those, so a placeholder condition does no harm. A module that never
 *    touched a placeholder is done: its first result is final (object modules,
 *    and most functions, are called once).
 * 2. **Values.** Each definition of the first result is classified (see
 *    `taint.ts`). A *clean* one — no placeholder in its value (but a placeholder that is
 *    the whole value, a lazy read of the real one) nor in its `mkIf`
 *    conditions, in a module that never turned a placeholder into a primitive nor
 *    used one in a JavaScript condition that could be seen — is the value the
 *    real call would give, and is used as it is. Only merging an option for
 *    which the module has a *tainted* definition (or whose structure needs
 *    the real call, see `definition-index.ts`), or a declaration value that
 *    phase 1 could not give, calls the module again, with the real lazy
 *    `config`. The second result is memoised; the function is never called a
 *    third time. So, as in Nix, needing one definition of a module does not
 *    evaluate its others: `enable = mkDefault(true)` next to
 *    `mkIf(config.other.enable, …)` can be merged while `other` needs this
 *    module's `mkIf`.
 *
 *    When the second call happens, the clean definitions already used must
 *    be the same in it (compared structurally; derivations by `drvPath`,
 *    functions by identity or source text). A difference means the value
 *    depended on config through JavaScript control flow that the placeholder could
 *    not show (`cfg.enable ? 80 : 443` where `cfg.enable` also is an `mkIf`
 *    condition): a {@link ConfigDependentStructureError}, never a silently
 *    kept value. If the second call never happens, such a difference goes
 *    unnoticed: conditions on config belong in `mkIf` (or `lazy()`).
 *
 * Declaration values (`default`, `example`, `apply`, …) come from the first
 * call unless they are tainted:
 *
 * - A value that holds placeholders (`default: config.other.port`) has each placeholder
 *   replaced by the real value at its path, read when the value is needed;
 *   only a placeholder standing for a call's result (`pkgs.callPackage(…)`) needs
 *   the second call.
 * - A declaration made after the first call turned a placeholder into a primitive
 *   (`default: \`${config.x}-host\``) may hold anything derived from it: its
 *   values come from the second call. If that call is impossible right now
 *   (its body needs the very option being merged), the first value is used
 *   and the second call made as soon as that read is over, to check it.
 *
 * Whenever the second call happens, the first-call values that were used
 * are compared with it (this also catches values the placeholder decided
 * silently, as in `default: config.x ? "a" : "b"`), and the declared
 * options and imports must be the same; a difference is a
 * {@link ConfigDependentStructureError} that fails the evaluation from then
 * on, never a silently wrong value.
 *
 * While the second call runs, the module's own tainted definitions are not
 * known: a read in its body that needs them is a cycle (InfiniteRecursionError
 * naming the option paths), to be broken with `lazy(() => …)` or a getter.
 */
import { ConfigDependentStructureError } from "../errors/config-dependent-structure-error.js";
import { InfiniteRecursionError } from "../errors/infinite-recursion-error.js";
import { isOptionDeclaration, type AnyOptionDeclaration } from "../options/option-declaration.js";
import { showOption, type OptionPath } from "../options/show-option.js";
import { Lazy } from "../properties/lazy.js";
import { PlaceholderScope, containsPlaceholder, resolvePlaceholders } from "./placeholder.js";
import { taintedValue } from "./taint.js";
import { extendPath } from "../options/extend-path.js";

/**
 * What the two calls need of a module function's result, once shaped into a
 * module (the evaluator's `ShapedModule` is one).
 */
export interface ModuleStructure {
  /** Where the module was written. */
  readonly file: string;
  /** Its explicit identity, if any. */
  readonly key: string | undefined;
  /** The modules it imports. */
  readonly imports: readonly unknown[];
  /** The modules it leaves out. */
  readonly disabledModules: readonly unknown[];
  /** Its option declarations (a nested object of `mkOption` results). */
  readonly options: unknown;
}

/** What the two calls need from the evaluation they belong to. */
export interface ModuleCallsHost<Structure extends ModuleStructure = ModuleStructure> {
  /** The evaluation's prefix, for messages. */
  readonly prefix: OptionPath;
  /** Calls `module` with the real module arguments and shapes the result into a module. */
  callReal(module: (args: never) => unknown, file: string): Structure;
  /** Told after a second call succeeded, so the evaluation can take its definitions. */
  secondCallDone(calls: ModuleCalls<Structure>): void;
  /** Told when a deferred check failed: values already handed out may be wrong. */
  checkFailed(error: unknown): void;
  /** How many option evaluations are under way (nested). */
  evaluationDepth(): number;
  /** The options being evaluated, outermost first (for cycle messages). */
  evaluationStack(): readonly string[];
  /** Runs `task` once the evaluations under way are over. */
  afterEvaluation(task: () => void): void;
}

/** Declaration fields that are values (as opposed to the structural `type`). */
export type DeclarationField = "default" | "defaultText" | "example" | "description" | "readOnly" | "internal" | "visible" | "apply";

const DECLARATION_FIELDS: readonly DeclarationField[] = ["default", "defaultText", "example", "description", "readOnly", "internal", "visible", "apply"];

interface UsedValue {
  readonly path: readonly string[];
  readonly field: DeclarationField;
  readonly value: unknown;
}

function usedKey(path: readonly string[], field: DeclarationField): string {
  return `${field}\u0000${path.join("\u0000")}`;
}

const NO_DECLARATIONS: ReadonlyMap<string, { path: readonly string[]; declaration: AnyOptionDeclaration }> = new Map();

function hasKeys(object: object): boolean {
  for (const name in object) if (Object.prototype.hasOwnProperty.call(object, name)) return true;
  return false;
}

function declarationsOf(options: unknown, path: readonly string[], into: Map<string, { path: readonly string[]; declaration: AnyOptionDeclaration }>): void {
  if (typeof options !== "object" || options === null) return;
  for (const name of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[name];
    const childPath = extendPath(path, name);
    if (isOptionDeclaration(value)) into.set(childPath.join("\u0000"), { path: childPath, declaration: value });
    else declarationsOf(value, childPath, into);
  }
}

/**
 * Whether a declaration value from the first call matches the second's:
 * structurally for data, by source text for functions (their captured placeholders
 * forward to real values), by class for `lazy()` values.
 */
function sameValue(first: unknown, second: unknown, depth = 8): boolean {
  if (Object.is(first, second)) return true;
  if (typeof first === "function" && typeof second === "function") return Function.prototype.toString.call(first) === Function.prototype.toString.call(second);
  if (first instanceof Lazy && second instanceof Lazy) return true;
  if (typeof first !== "object" || typeof second !== "object" || first === null || second === null) return false;
  if (depth === 0) return true;
  if (Object.getPrototypeOf(first) !== Object.getPrototypeOf(second)) return false;
  if (Array.isArray(first)) return Array.isArray(second) && first.length === second.length && first.every((item, index) => sameValue(item, second[index], depth - 1));
  const firstKeys = Object.keys(first);
  const secondKeys = Object.keys(second);
  if (firstKeys.length !== secondKeys.length) return false;
  return firstKeys.every((key) => Object.prototype.hasOwnProperty.call(second, key) && sameValue((first as Record<string, unknown>)[key], (second as Record<string, unknown>)[key], depth - 1));
}

/**
 * A declaration as the option tree sees it: the type and whether there is a
 * default come from the first call (structure); every value field is looked
 * up when read, from the first or the second call (see the file comment).
 */
export class DeclarationView {
  /** Marks an option declaration. */
  readonly _type = "option" as const;
  /** The option type, from the first call. */
  readonly type: AnyOptionDeclaration["type"];
  /** Whether the first call gave a default. */
  readonly hasDefault: boolean;
  readonly #calls: Pick<ModuleCalls, "declarationValue">;
  readonly #path: readonly string[];
  readonly #first: AnyOptionDeclaration;

  /** Made by {@link ModuleCalls.declaration}. */
  constructor(calls: Pick<ModuleCalls, "declarationValue">, path: readonly string[], first: AnyOptionDeclaration) {
    this.#calls = calls;
    this.#path = path;
    this.#first = first;
    this.type = first.type;
    this.hasDefault = first.hasDefault;
  }

  /** Whether the first call set `field`, without reading its value. */
  has(field: DeclarationField): boolean {
    if (field === "default") return this.hasDefault;
    const descriptor = Object.getOwnPropertyDescriptor(this.#first, field);
    return descriptor !== undefined && (descriptor.get !== undefined || descriptor.value !== undefined);
  }

  #value(field: DeclarationField): unknown {
    return this.#calls.declarationValue(this.#path, field, this.#first);
  }

  /** See `mkOption`. */
  get default(): unknown {
    return this.#value("default");
  }
  /** See `mkOption`. */
  get defaultText(): string | undefined {
    return this.#value("defaultText") as string | undefined;
  }
  /** See `mkOption`. */
  get example(): unknown {
    return this.#value("example");
  }
  /** See `mkOption`. */
  get description(): string | undefined {
    return this.#value("description") as string | undefined;
  }
  /** See `mkOption`. */
  get readOnly(): boolean | undefined {
    return this.#value("readOnly") as boolean | undefined;
  }
  /** See `mkOption`. */
  get internal(): boolean | undefined {
    return this.#value("internal") as boolean | undefined;
  }
  /** See `mkOption`. */
  get visible(): boolean | "shallow" | undefined {
    return this.#value("visible") as boolean | "shallow" | undefined;
  }
  /** See `mkOption`. */
  get apply(): ((value: never) => unknown) | undefined {
    return this.#value("apply") as ((value: never) => unknown) | undefined;
  }
}

/** Whether `field` of a declaration is set, without reading a value that may need a second call. */
export function declarationHas(declaration: AnyOptionDeclaration, field: DeclarationField): boolean {
  if (declaration instanceof DeclarationView) return declaration.has(field);
  return field === "default" ? declaration.hasDefault : declaration[field] !== undefined;
}

/** The calls of one module function in one evaluation; see the file comment. */
export class ModuleCalls<Structure extends ModuleStructure = ModuleStructure> {
  /** The placeholders of the first call. */
  readonly scope = new PlaceholderScope();
  readonly #module: (args: never) => unknown;
  readonly #host: ModuleCallsHost<Structure>;
  #first: Structure | undefined;
  #firstDeclarations: ReadonlyMap<string, { path: readonly string[]; declaration: AnyOptionDeclaration }> | undefined;
  #second: Structure | undefined;
  #secondDeclarations: ReadonlyMap<string, { path: readonly string[]; declaration: AnyOptionDeclaration }> | undefined;
  /** Evaluation-stack depth when the running second call started. */
  #running: number | undefined;
  #used: Map<string, UsedValue> | undefined;
  #failure: { error: unknown } | undefined;
  /** Whether a second call is queued to check first-call values used in the meantime. */
  #checkScheduled = false;
  /** Whether the first call's declarations were searched for placeholders (see {@link taintsAllDefinitions}). */
  #declarationsSearched = false;

  /** Prepares the calls of `module`; the first call is made by the collector. */
  constructor(module: (args: never) => unknown, host: ModuleCallsHost<Structure>) {
    this.#module = module;
    this.#host = host;
  }

  /** The shaped result of the first call. */
  get first(): Structure {
    if (this.#first === undefined) throw new Error("internal error: the first call of a module has not been recorded");
    return this.#first;
  }

  /** Records the shaped result of the first call. */
  set first(shaped: Structure) {
    this.#first = shaped;
  }

  /** The module's file (from the first call). */
  get file(): string {
    return this.first.file;
  }

  /** Whether the first call (or a walk of its result) touched a placeholder, so some values may need the second call. */
  get touched(): boolean {
    return this.scope.touched;
  }

  /**
   * Whether none of the first call's definitions can be trusted (see
   * `taint.ts`): the call coerced a placeholder, asked one about its attributes,
   * or read one that it did not put in its result. Call after the first
   * result's config was searched for placeholders (the definition index's walk);
   * this searches the declarations.
   */
  taintsAllDefinitions(): boolean {
    const scope = this.scope;
    if (scope.coerced || scope.guessed) return true;
    if (!this.#declarationsSearched) {
      this.#declarationsSearched = true;
      this.#firstDeclarations ??= this.#declarations(this.first);
      for (const { declaration } of this.#firstDeclarations.values()) {
        for (const field of DECLARATION_FIELDS) {
          // Only to mark the placeholders placed there. A getter (`mkPackageOption`'s default) runs later, against the real config.
          const descriptor = Object.getOwnPropertyDescriptor(declaration, field);
          if (descriptor !== undefined && descriptor.get === undefined) taintedValue(descriptor.value);
        }
      }
    }
    return scope.escaped();
  }

  /** The second call's shaped result, if it was made. */
  get second(): Structure | undefined {
    return this.#second;
  }

  /** The declaration the option tree uses for the option at `path` declared by this module. */
  declaration(path: readonly string[], first: AnyOptionDeclaration): DeclarationView {
    return new DeclarationView(this, path, first);
  }

  /**
   * Makes the second call (once; memoised), checks it against the first and
   * tells the evaluation. Throws an InfiniteRecursionError if it is running
   * already: what asked for it is needed by the call itself.
   */
  callSecond(): Structure {
    if (this.#second !== undefined) return this.#second;
    if (this.#running !== undefined) throw this.cycle(undefined);
    this.#running = this.#host.evaluationDepth();
    let shaped: Structure;
    try {
      shaped = this.#host.callReal(this.#module, this.file);
    } finally {
      this.#running = undefined;
    }
    try {
      this.#checkSecond(shaped);
    } catch (error) {
      throw this.fail(error);
    }
    this.#second = shaped;
    this.#host.secondCallDone(this);
    return shaped;
  }

  /**
   * The error for needing this module's second call while it runs. `what`
   * says what was needed (a definition of the option on top of the stack by
   * default).
   */
  cycle(what: string | undefined): InfiniteRecursionError {
    const stack = this.#host.evaluationStack();
    const start = Math.max(0, (this.#running ?? 0) - 1);
    const chain = stack.slice(start);
    const trigger = this.#running !== undefined && this.#running > 0 ? stack[this.#running - 1] : undefined;
    const needed = chain[chain.length - 1];
    const wanted = what ?? (needed === undefined ? "its own definitions" : `its own definition of \`${needed}'`);
    const shownChain = chain.length === 0 ? `module \`${this.file}'` : chain.join(" -> ");
    return new InfiniteRecursionError(
      `infinite recursion encountered while evaluating: ${shownChain}: module \`${this.file}' is being called with the real config${trigger === undefined ? "" : ` to evaluate \`${trigger}'`}, and its body needs ${wanted}, which that same call computes. Make the read lazy in \`${this.file}': \`lazy(() => …)\`, a getter at the option, or \`mkIf(() => …, …)\`.`,
      chain,
    );
  }

  /** A value field of this module's declaration at `path` (see the file comment). */
  declarationValue(path: readonly string[], field: DeclarationField, first: AnyOptionDeclaration): unknown {
    if (!this.scope.touched) return first[field];
    if (this.#second !== undefined) return this.#secondDeclaration(path)[field];
    if (this.#failure !== undefined) throw this.#failure.error;
    const known = this.#used?.get(usedKey(path, field));
    if (known !== undefined) return known.value;
    const value = first[field];
    if (containsPlaceholder(value)) {
      // `default: config.other.value`: the placeholder stands for a path of config, which can be read now.
      const resolved = resolvePlaceholders(value);
      if (resolved !== undefined) return this.#use(path, field, resolved.value);
      // A placeholder for a call's result (`pkgs.callPackage(…)`): only the second call knows.
      if (this.#running !== undefined) throw this.cycle(`the ${field} of \`${showOption([...this.#host.prefix, ...path])}', which is computed from config`);
      this.callSecond();
      return this.#secondDeclaration(path)[field];
    }
    // Without a coercion before it, nothing in the declaration came from a placeholder's value: it stands (and is compared if a second call comes).
    if (this.#running !== undefined || this.#checkScheduled || !this.scope.coercedBefore(first)) return this.#use(path, field, value);
    if (this.#host.evaluationDepth() === 0) {
      this.callSecond();
      return this.#secondDeclaration(path)[field];
    }
    try {
      this.callSecond();
      return this.#secondDeclaration(path)[field];
    } catch (error) {
      if (!(error instanceof InfiniteRecursionError)) throw error;
      // The body needs the option being merged (`x: config.hostName.length` while `hostName` is merged): use the first value now, and check it once that merge is done.
      this.#checkScheduled = true;
      this.#host.afterEvaluation(() => this.#checkLater());
      return this.#use(path, field, value);
    }
  }

  /** Records a first-call value handed out, to compare with the second call; returns it. */
  #use(path: readonly string[], field: DeclarationField, value: unknown): unknown {
    (this.#used ??= new Map()).set(usedKey(path, field), { path, field, value });
    return value;
  }

  #checkLater(): void {
    this.#checkScheduled = false;
    if (this.#second !== undefined || this.#failure !== undefined) return;
    try {
      this.callSecond();
    } catch (error) {
      throw this.fail(error);
    }
  }

  /**
   * Records that this module's two calls disagree (or could not be
   * compared) after values were handed out: the evaluation fails from now on
   * with `error`, which is returned for throwing.
   */
  fail(error: unknown): unknown {
    this.#failure ??= { error };
    this.#host.checkFailed(error);
    return error;
  }

  #declarations(shaped: ModuleStructure): ReadonlyMap<string, { path: readonly string[]; declaration: AnyOptionDeclaration }> {
    // Most module functions only define: they share one empty map.
    if (typeof shaped.options !== "object" || shaped.options === null || !hasKeys(shaped.options)) return NO_DECLARATIONS;
    const into = new Map<string, { path: readonly string[]; declaration: AnyOptionDeclaration }>();
    declarationsOf(shaped.options, [], into);
    return into;
  }

  #secondDeclaration(path: readonly string[]): AnyOptionDeclaration {
    const found = this.#secondDeclarations?.get(path.join("\u0000"));
    if (found === undefined) throw new Error(`internal error: no second-call declaration of ${showOption(path)}`);
    return found.declaration;
  }

  #structureError(what: string, path: readonly string[]): ConfigDependentStructureError {
    const loc = [...this.#host.prefix, ...path];
    return new ConfigDependentStructureError(
      `Module \`${this.file}' ${what}. Which options a module declares and defines, and what it imports, must not depend on config values: the module is called once with a placeholder config to find them. Use \`mkIf(cfg.enable, { … })\` rather than \`cfg.enable ? { … } : {}\`, and compute declaration fields lazily (\`default: lazy(() => …)\`, with \`defaultText\`).`,
      this.file,
      loc,
    );
  }

  #checkSecond(second: Structure): void {
    const first = this.first;
    this.#firstDeclarations ??= this.#declarations(first);
    const secondDeclarations = this.#declarations(second);
    for (const [key, { path, declaration }] of this.#firstDeclarations) {
      const other = secondDeclarations.get(key);
      if (other === undefined) throw this.#structureError(`declares the option \`${showOption([...this.#host.prefix, ...path])}' only when called with a placeholder config, not with the real one`, path);
      if ((declaration.type?.description ?? "") !== (other.declaration.type?.description ?? "")) {
        throw this.#structureError(`gives the option \`${showOption([...this.#host.prefix, ...path])}' a different type depending on config (\`${declaration.type?.description ?? "unspecified"}' vs \`${other.declaration.type?.description ?? "unspecified"}')`, path);
      }
    }
    for (const [key, { path }] of secondDeclarations) {
      if (!this.#firstDeclarations.has(key)) throw this.#structureError(`declares the option \`${showOption([...this.#host.prefix, ...path])}' only when called with the real config`, path);
    }
    if (first.imports.length !== second.imports.length || first.disabledModules.length !== second.disabledModules.length || first.key !== second.key) {
      throw this.#structureError("imports different modules (or has a different `key' or `disabledModules') depending on config", []);
    }
    this.#secondDeclarations = secondDeclarations;
    for (const used of this.#used?.values() ?? []) {
      const other = secondDeclarations.get(used.path.join("\u0000"))?.declaration;
      if (other === undefined || !sameValue(used.value, other[used.field])) {
        this.#secondDeclarations = undefined;
        throw this.#structureError(
          `computes the ${used.field} of option \`${showOption([...this.#host.prefix, ...used.path])}' from config, but the value its first call gave with a placeholder config was used and differs from the real one (the placeholder hid the dependency, in a condition or comparison, or the module's own body needed the option)`,
          used.path,
        );
      }
    }
    this.#used = undefined;
  }
}
