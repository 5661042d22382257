/**
 * One evaluation of a set of collected modules: the option tree, the
 * definition index and the memoised option values.
 *
 * Nothing is merged up front. Reading `config.a.b` walks the option tree to
 * `a.b`, takes its definitions from the index, and runs the merge pipeline
 * for that option alone; the result is kept. So the cost of an evaluation is
 * one pass over the modules plus the options that are actually read (and
 * the second calls of the module functions that define them).
 */
import { definitionLocation } from "./module-location.js";
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import { OptionNotDefinedError } from "../errors/option-not-defined-error.js";
import { OptionNotFoundError } from "../errors/option-not-found-error.js";
import { showDefinitions } from "../options/show-definitions.js";
import { showFiles, showOption, type OptionPath } from "../options/show-option.js";
import { MkOverride, OPTION_DEFAULT_PRIORITY } from "../properties/mk-override.js";
import { ownGetter } from "../properties/own-getter.js";
import type { AnyOptionType } from "../types/option-type.js";
import type { CollectedModule } from "./collect-modules.js";
import { enterEvaluation, evaluationError, infiniteRecursion, leaveEvaluation, settle } from "./cycle-detection.js";
import type { Definition } from "../merge/definition.js";
import { DeferredDefault } from "../merge/deferred-default.js";
import { DefinitionIndex } from "./definition-index.js";
import { closestNames } from "./levenshtein.js";
import { mergeDefinitions, type MergedDefinitions } from "../merge/merge-definitions.js";
import { buildOptionTree, type OptionNode } from "./option-tree.js";

/** How a path was resolved, for verifying reads made before all modules were known. */
export type ReadKind = "value" | "prefix";

/** The outcome of looking up a config path. */
export type Resolution =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "prefix"; readonly node: OptionNode }
  | { readonly kind: "freeform"; readonly value: unknown }
  | { readonly kind: "missing" };

interface OptionState {
  merged: MergedDefinitions<unknown> | undefined;
  /** Whether {@link value} is known. */
  done: boolean;
  value: unknown;
  busy: boolean;
}

/** A default given by a getter, read only if it wins (made apart from the caller, which would otherwise allocate its closure context on every call). */
function deferredDefault(declaration: { readonly default?: unknown }): DeferredDefault {
  return new DeferredDefault(() => declaration.default);
}

/** Settings of an {@link Evaluation}. */
export interface EvaluationSettings {
  /** The path of this evaluation's root (a submodule's option path). */
  readonly prefix: OptionPath;
  /** Called for every lookup, when reads must be verified later. */
  readonly onRead?: (path: readonly string[], kind: ReadKind) => void;
  /** Whether this evaluation is provisional (some modules not collected yet): no undeclared-option check. */
  readonly partial: boolean;
  /** The internal module (see `internal-module.ts`), whose options are declared when first looked at (see `option-tree.ts`). */
  readonly internalModule?: object;
}

const ATTRS_TYPES = new Set(["attrsOf", "lazyAttrsOf"]);

/** See the file comment. */
export class Evaluation {
  /** The option tree. */
  readonly root: OptionNode;
  /** The definitions by option. */
  readonly index: DefinitionIndex;
  readonly #settings: EvaluationSettings;
  #freeform: { value: unknown } | undefined;
  #checked = false;

  /** Builds the option tree of `modules` (given in collection order). */
  constructor(modules: readonly CollectedModule[], settings: EvaluationSettings) {
    // `slice`, not spread: the copy is kept (one per submodule value) until the index has walked it, at its exact size.
    const ordered = modules.slice().reverse();
    this.#settings = settings;
    this.root = buildOptionTree(ordered, settings.prefix, settings.internalModule);
    this.index = new DefinitionIndex(ordered, this.root);
  }

  /** Modules in merge order (nixpkgs merges the collected list reversed); see `DefinitionIndex.modules` for how long they are kept. */
  get modules(): readonly CollectedModule[] {
    return this.index.modules;
  }

  /** Whether this evaluation is provisional. */
  get partial(): boolean {
    return this.#settings.partial;
  }

  #state(node: OptionNode): OptionState {
    // The tree is this evaluation's own, so the state lives on the node.
    return node;
  }

  /**
   * Runs `step` (a method of this class) for `node`, marked as being evaluated
   * (a read of it meanwhile is a cycle) and on the evaluation stack; the
   * queued checks run once the outermost evaluation is over. The step is
   * given as a method rather than a closure: one closure (and its context)
   * per option merged, otherwise.
   */
  #guarded<T>(node: OptionNode, step: (this: Evaluation, node: OptionNode) => T): T {
    const state = this.#state(node);
    let result: T;
    try {
      if (state.busy) throw infiniteRecursion(node);
      state.busy = true;
      enterEvaluation(node);
      try {
        result = step.call(this, node);
      } catch (error) {
        throw evaluationError(node, error);
      } finally {
        leaveEvaluation();
        state.busy = false;
      }
    } catch (error) {
      settle(true);
      throw error;
    }
    return result;
  }

  /** The definitions of an option, its default first (at priority 1500). */
  definitionsWithDefault(node: OptionNode): readonly Definition[] {
    const definitions = this.index.definitionsOf(node);
    const record = node.record;
    if (record.defaultDeclaration === undefined) return definitions;
    const declaration = record.defaultDeclaration.declaration;
    // Read only when the default wins, as Nix never forces an overridden default (mkPackageOption's may not exist).
    // (Asked without a property descriptor: `hasOwn` and the getter lookup allocate nothing.)
    const value = !Object.hasOwn(declaration, "default") || ownGetter(declaration, "default") === undefined ? declaration.default : deferredDefault(declaration);
    const defaultDefinition: Definition = { file: record.defaultDeclaration.file, value: new MkOverride(OPTION_DEFAULT_PRIORITY, value) };
    // `concat` makes the list at its size; pushing one by one would leave it room to grow.
    return [defaultDefinition].concat(definitions);
  }

  #computeMerged(node: OptionNode): MergedDefinitions<unknown> {
    const state = this.#state(node);
    if (state.merged === undefined) {
      const definitions = this.definitionsWithDefault(node);
      const record = node.record;
      if (record.declaration.readOnly === true && definitions.length > 1) {
        throw new InvalidModuleError(`The option \`${showOption(node.loc)}' is read-only, but it's set multiple times. Definition values:${showDefinitions(definitions)}`);
      }
      state.merged = mergeDefinitions(node.loc, record.type, definitions);
    }
    return state.merged;
  }

  /** The merge result of an option (definitions that count, priority), without merging its value. */
  merged(node: OptionNode): MergedDefinitions<unknown> {
    const state = this.#state(node);
    if (state.merged !== undefined) return state.merged;
    const merged = this.#guarded(node, this.#computeMerged);
    settle();
    return merged;
  }

  /** The value of the option at `node`: merged, checked, `apply`d; memoised. */
  valueOf(node: OptionNode): unknown {
    const state = this.#state(node);
    if (state.done) return state.value;
    const value = this.#guarded(node, this.#computeValue);
    state.value = value;
    state.done = true;
    // Only the value is needed from now on; the Option view recomputes the rest if asked.
    state.merged = undefined;
    settle();
    return value;
  }

  #computeValue(node: OptionNode): unknown {
    const merged = this.#computeMerged(node);
    const record = node.record;
    const apply = record.declaration.apply as ((value?: unknown) => unknown) | undefined;
    // Nix never forces an unused argument: an `apply` that ignores the value (aliases) works without definitions.
    if (!merged.isDefined && apply !== undefined && apply.length === 0) return apply();
    if (!merged.isDefined && record.type.emptyValue !== undefined) {
      const empty = record.type.emptyValue.value;
      return apply === undefined ? empty : apply(empty);
    }
    if (!merged.isDefined) {
      throw new OptionNotDefinedError(`The option \`${showOption(node.loc)}' was accessed but has no value defined. Try setting the option.\nIt is declared in ${showFiles(record.declarations)}.`, node.loc);
    }
    const mergedValue = merged.mergedValue();
    return apply === undefined ? mergedValue : apply(mergedValue);
  }

  /** The option node at `path` (relative to this evaluation's root), if it is declared. */
  optionAt(path: readonly string[]): OptionNode | undefined {
    let node: OptionNode | undefined = this.root;
    for (const name of path) {
      node = node.childNamed(name);
      if (node === undefined) return undefined;
    }
    return node.isOption ? node : undefined;
  }

  /** The value of `_module.freeformType`, or `null`. */
  freeformType(): AnyOptionType | null {
    // Not declared yet once every module is walked: only the internal module declares it (a module declaring or
    // defining anything under `_module` would have declared it), so it has no definitions, and its default is null.
    // Each submodule value's `config` asks when its names are listed.
    if (this.root.hasPendingDeclarations && this.index.isComplete) {
      this.root.noteDefaultFreeformType();
      return null;
    }
    const node = this.optionAt(["_module", "freeformType"]);
    return node === undefined ? null : ((this.valueOf(node) as AnyOptionType | null) ?? null);
  }

  /** The merged value of all definitions that match no option, when a freeform type is set. */
  freeformValue(): unknown {
    if (this.#freeform !== undefined) return this.#freeform.value;
    const type = this.freeformType();
    let value: unknown;
    if (type !== null) {
      const definitions = this.index.unmatched().map((definition) => {
        let nested: unknown = definition.value;
        for (let index = definition.path.length - 1; index >= 0; index--) nested = { [definition.path[index] as string]: nested };
        return { file: definition.file, value: nested };
      });
      const merged = mergeDefinitions<unknown>(this.#settings.prefix, type, definitions.length === 0 ? [{ file: "<freeform>", value: {} }] : definitions);
      value = merged.mergedValue();
    }
    this.#freeform = { value };
    return value;
  }

  /** Reports a lookup to the verifier of early reads, if there is one. */
  noteRead(path: readonly string[], kind: ReadKind): void {
    this.#settings.onRead?.(path, kind);
  }

  /** Looks up `path` in the configuration (declared options, then the freeform value). */
  resolve(path: readonly string[]): Resolution {
    let node = this.root;
    for (let index = 0; index < path.length; index++) {
      const child = node.childNamed(path[index] as string);
      if (child === undefined) return this.#resolveFreeform(path);
      node = child;
      if (node.isOption) {
        const deeper = index + 1 < path.length;
        this.#settings.onRead?.(deeper && ATTRS_TYPES.has(node.record.type.name) ? [...node.path, path[index + 1] as string] : node.path, "value");
        let value = this.valueOf(node);
        for (let rest = index + 1; rest < path.length; rest++) {
          if (typeof value !== "object" || value === null) return { kind: "missing" };
          value = (value as Record<string, unknown>)[path[rest] as string];
        }
        return { kind: "value", value };
      }
    }
    this.#settings.onRead?.(path, "prefix");
    return { kind: "prefix", node };
  }

  #resolveFreeform(path: readonly string[]): Resolution {
    if (this.#settings.partial) return { kind: "missing" };
    let value = this.freeformValue();
    if (value === undefined) return { kind: "missing" };
    for (const name of path) {
      if (typeof value !== "object" || value === null || !Object.prototype.hasOwnProperty.call(value, name)) return { kind: "missing" };
      value = (value as Record<string, unknown>)[name];
    }
    return { kind: "freeform", value };
  }

  /** Names at a prefix: declared children and, with a freeform type, defined freeform attributes. */
  namesAt(node: OptionNode): string[] {
    const names = new Set(node.childNames());
    if (!this.#settings.partial) {
      let value = this.freeformValue();
      for (const name of node.path) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
      if (typeof value === "object" && value !== null) for (const name of Object.keys(value)) names.add(name);
    }
    return [...names];
  }

  /**
   * NixOS's check that every definition has a declared option (unless
   * `_module.check` is false or a freeform type takes them). Runs once, when
   * the evaluation's result is first used.
   */
  ensureChecked(): void {
    if (this.#checked || this.#settings.partial || this.index.isWalking) return;
    this.#checked = true;
    try {
      this.index.complete();
      const unmatched = this.index.unmatched();
      const [first] = unmatched;
      if (first === undefined) return;
      const checkNode = this.optionAt(["_module", "check"]);
      if (checkNode !== undefined && this.valueOf(checkNode) === false) return;
      if (this.freeformType() !== null) return;
      throw this.#undeclaredOptionError(first);
    } catch (error) {
      this.#checked = false;
      throw error;
    }
  }

  #undeclaredOptionError(definition: { readonly path: readonly string[]; readonly file: string; readonly value: unknown }): OptionNotFoundError {
    const loc = [...this.#settings.prefix, ...definition.path];
    let parent = this.root;
    for (const name of definition.path.slice(0, -1)) parent = parent.childNamed(name) ?? parent;
    const candidates = [...parent.childNames()].filter((name) => !(parent === this.root && name === "_module"));
    const invalidName = definition.path[definition.path.length - 1] ?? "";
    const suggestions = closestNames(invalidName, candidates).map((name) => showOption([...parent.loc, name]));
    const suggestion =
      suggestions.length === 0
        ? ""
        : suggestions.length === 1
          ? ` Did you mean \`${suggestions[0] ?? ""}'?`
          : ` Did you mean ${suggestions
              .slice(0, -1)
              .map((name) => `\`${name}'`)
              .join(", ")} or \`${suggestions[suggestions.length - 1] ?? ""}'?`;
    const onlyBuiltIns = [...this.root.childNames()].every((name) => name === "_module" || name === "assertions" || name === "warnings");
    const hint = onlyBuiltIns ? `\n\nIt seems as if you're trying to declare an option by placing it into \`config' rather than \`options'!` : "";
    return new OptionNotFoundError(`The option \`${showOption(loc)}' does not exist.${suggestion} Definition values:${showDefinitions([{ file: definitionLocation(definition.file, definition.path), value: definition.value }])}${hint}`, loc, suggestions);
  }
}
