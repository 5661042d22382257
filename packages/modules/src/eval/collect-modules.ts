/**
 * Collecting modules (nixpkgs' `collectModules`): call every module
 * function, follow `imports`, then order the modules breadth-first (Nix's
 * `genericClosure`), dropping duplicates (same `key`, or the same module
 * value) and everything listed in some module's `disabledModules`.
 *
 * A module function is called here with a placeholder `config` (its first
 * call, see `placeholder/module-calls.ts`): that gives its imports and structure
 * without needing any option value, so module order does not matter.
 *
 * A function whose first call throws (say `new URL(config.x)`) cannot be
 * understood from a placeholder. It is opaque: it is called once, for real,
 * after every other module is collected; its reads of `config` are answered
 * from the modules known then and verified when collection ends (see
 * `premature-reads.ts`). For that the collector keeps a queue and can report
 * which modules are complete so far.
 */
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import type { ModuleCalls } from "../placeholder/index.js";
import { moduleLocation } from "./module-location.js";
import { shapeModule, type ShapedModule } from "./module-shape.js";

/** A module after its function (if any) was called. */
export interface CollectedModule extends ShapedModule {
  /** Position in completion order; modules completed later have larger numbers. */
  readonly sequence: number;
  /** The module value as given (object or function): its identity when it has no `key`. */
  readonly identity: object;
  /** For a module function collected from its first call: both calls (the shape above is the first's). */
  readonly calls: ModuleCalls<ShapedModule> | undefined;
}

interface PendingImport {
  readonly module: unknown;
  readonly parentFile: string;
}

/** How the collector calls module functions. */
export interface ModuleCaller {
  /** Makes the first call (with placeholders); throws what the function threw. */
  first(module: (args: never) => unknown, file: string): { readonly calls: ModuleCalls<ShapedModule>; readonly value: unknown };
  /** Calls an opaque module once with the real arguments. */
  real(module: (args: never) => unknown, file: string): unknown;
}

interface OpaqueModule {
  readonly module: (args: never) => unknown;
  readonly file: string;
}

/** Collects modules and their imports; see the file comment. */
export class ModuleCollector {
  readonly #callModule: ModuleCaller;
  readonly #queue: PendingImport[] = [];
  #queueHead = 0;
  readonly #byIdentity = new Map<object, CollectedModule | null>();
  readonly #completed: CollectedModule[] = [];
  readonly #roots: readonly unknown[];
  readonly #inProgress: string[] = [];
  readonly #opaque: OpaqueModule[] = [];
  readonly #expectedClass: string | undefined;
  /** Whether some module lists `disabledModules` (most evaluations have none to match). */
  #anyDisabled = false;

  /**
   * Starts collecting `roots`; nothing is called until {@link drain}. `expectedClass` refuses modules whose `_class` differs.
   * `roots` is kept as given (not copied: one list fewer per submodule value), so it must be a list of the caller's own that nothing changes.
   */
  constructor(roots: readonly unknown[], fallbackFile: string, callModule: ModuleCaller, expectedClass?: string) {
    this.#callModule = callModule;
    this.#expectedClass = expectedClass;
    this.#roots = roots;
    for (const module of roots) this.#queue.push({ module, parentFile: fallbackFile });
  }

  /** How many modules are complete; a snapshot for verifying early reads. */
  get completedCount(): number {
    return this.#completed.length;
  }

  /** Whether every reachable module has been called. */
  get isDone(): boolean {
    return this.#queueHead >= this.#queue.length && this.#opaque.length === 0 && this.#inProgress.length === 0;
  }

  /** Files of the opaque modules whose functions are running, outermost first. */
  get inProgress(): readonly string[] {
    return this.#inProgress;
  }

  /**
   * Collects every module still queued, then calls the opaque ones, one at a
   * time, collecting what they import (re-entrant: an opaque module's read of
   * `config` drains the same queue).
   */
  drain(): void {
    for (;;) {
      while (this.#queueHead < this.#queue.length) {
        const next = this.#queue[this.#queueHead++] as PendingImport;
        this.#collect(next);
      }
      const opaque = this.#opaque.shift();
      if (opaque === undefined) return;
      this.#inProgress.push(opaque.file);
      let value: unknown;
      try {
        value = this.#callModule.real(opaque.module, opaque.file);
      } finally {
        this.#inProgress.pop();
      }
      this.#complete(opaque.module, shapeModule(value, opaque.file), undefined);
    }
  }

  #collect({ module, parentFile }: PendingImport): void {
    if ((typeof module !== "object" && typeof module !== "function") || module === null) {
      throw new InvalidModuleError(`A module imported from \`${parentFile}' is not a module: got ${module === null ? "null" : typeof module}. Import module values (objects or functions), not paths.`);
    }
    if (Array.isArray(module)) throw new InvalidModuleError(`Module imports can't be nested lists. Perhaps you meant to remove one level of lists? (in \`${parentFile}')`);
    if (this.#byIdentity.has(module)) return;
    this.#byIdentity.set(module, null);
    const file = moduleLocation(module) ?? parentFile;
    if (typeof module !== "function") {
      this.#complete(module, shapeModule(module, file), undefined);
      return;
    }
    const fn = module as (args: never) => unknown;
    let first: { readonly calls: ModuleCalls<ShapedModule>; readonly value: unknown };
    try {
      first = this.#callModule.first(fn, file);
    } catch {
      // Whatever it threw, the real call will tell (or throw it again).
      this.#opaque.push({ module: fn, file });
      return;
    }
    const { calls, value } = first;
    // Shaping reads `imports` and friends, which may be getters over placeholders.
    const shaped = calls.scope.run(() => shapeModule(value, file));
    calls.first = shaped;
    this.#complete(module, shaped, calls);
  }

  #complete(module: object, shaped: ShapedModule, calls: ModuleCalls<ShapedModule> | undefined): void {
    const expected = this.#expectedClass;
    if (expected !== undefined && shaped.moduleClass !== undefined && shaped.moduleClass !== expected) {
      throw new InvalidModuleError(
        `The module \`${shaped.file}\` (class: ${nixString(shaped.moduleClass)}) cannot be imported into a module evaluation that expects class ${nixString(expected)}.\n\nHelp:\n- Ensure that you are importing the correct module.\n- Verify that the module's \`_class\`, ${nixString(shaped.moduleClass)} matches the expected \`class\` ${nixString(expected)}.\n- If you are using a custom class, make sure it is correctly defined and used consistently across your modules.`,
      );
    }
    // Spelled out rather than spread: a spread gives every module an object shape of its own.
    const collected: CollectedModule = {
      file: shaped.file,
      key: shaped.key,
      moduleClass: shaped.moduleClass,
      imports: shaped.imports,
      disabledModules: shaped.disabledModules,
      options: shaped.options,
      config: shaped.config,
      sequence: this.#completed.length,
      identity: module,
      calls,
    };
    this.#byIdentity.set(module, collected);
    this.#completed.push(collected);
    if (shaped.disabledModules.length > 0) this.#anyDisabled = true;
    for (const imported of shaped.imports) this.#queue.push({ module: imported, parentFile: shaped.file });
  }

  /**
   * The modules in evaluation order: breadth-first from the roots, without
   * duplicates or disabled modules. Modules not yet complete (and so their
   * imports) are left out.
   */
  orderedModules(): CollectedModule[] {
    const disabled = this.#disabledMatchers();
    const result: CollectedModule[] = [];
    // The roots, then imports as found; copied only when some module imports (a submodule value's modules seldom do).
    let work: readonly unknown[] = this.#roots;
    let grown: unknown[] | undefined;
    // Duplicates are searched in the list until it is long, then in a set: a few modules are compared faster than hashed, and without a set per submodule value.
    let seen: Set<unknown> | undefined;
    for (let index = 0; index < work.length; index++) {
      const raw = work[index];
      const collected = typeof raw === "object" || typeof raw === "function" ? this.#byIdentity.get(raw as object) : undefined;
      if (collected === undefined || collected === null) continue;
      if (disabled.length > 0 && disabled.some((matches) => matches(collected))) continue;
      const identity = collected.key ?? collected.identity;
      if (seen === undefined && result.length >= SMALL_LIST) seen = new Set(result.map(identityOf));
      if (seen === undefined ? listed(result, identity) : seen.has(identity)) continue;
      seen?.add(identity);
      result.push(collected);
      if (collected.imports.length > 0) {
        grown ??= work.slice();
        grown.push(...collected.imports);
        work = grown;
      }
    }
    return result;
  }

  #disabledMatchers(): Array<(module: CollectedModule) => boolean> {
    const matchers: Array<(module: CollectedModule) => boolean> = [];
    if (!this.#anyDisabled) return matchers;
    for (const module of this.#completed) {
      for (const entry of module.disabledModules) {
        if (typeof entry === "string") {
          matchers.push((candidate) => candidate.key === entry || candidate.file === entry);
        } else if ((typeof entry === "object" || typeof entry === "function") && entry !== null) {
          const key = (entry as { key?: unknown }).key;
          matchers.push((candidate) => candidate.identity === entry || (typeof key === "string" && candidate.key === key));
        } else {
          throw new InvalidModuleError(`Each disabledModules item must be a module value or a module key (string), but one of the disabledModules items in \`${module.file}' is of type ${typeof entry}.`);
        }
      }
    }
    return matchers;
  }
}

/** Up to this many modules, duplicates are found by comparing with each (see `orderedModules`). */
const SMALL_LIST = 16;

/** What makes two collected modules the same module: an explicit `key`, else the module value. */
function identityOf(module: CollectedModule): unknown {
  return module.key ?? module.identity;
}

/** Whether a module of `modules` has `identity` (a loop: no closure per module ordered). */
function listed(modules: readonly CollectedModule[], identity: unknown): boolean {
  for (let index = 0; index < modules.length; index++) if (identityOf(modules[index] as CollectedModule) === identity) return true;
  return false;
}

/** A string as Nix writes it in messages (`lib.strings.escapeNixString`: quoted, `$` escaped). */
function nixString(text: string): string {
  return JSON.stringify(text).replace(/\$/g, "\\$");
}
