/**
 * All definitions of one evaluation, indexed by option, built in one pass
 * over the modules' configs (so merging an option never scans the modules).
 *
 * For a module function the pass walks the result of its first call, made
 * with a placeholder `config` (see `module-calls.ts`): that tells which
 * options the module defines. If the module never touched the placeholder,
 * those definitions are final. Otherwise the module's entries are deferred:
 * its values come from its second call, made only when an option it defines
 * is merged. Every other module's definitions are unaffected, so reading an
 * option calls at most the modules that define it.
 *
 * Two refinements keep real configurations free of false cycles:
 *
 * - For an `attrsOf`, `lazyAttrsOf` or `submodule` option that the first
 *   call defined with a plain object, the module's definition is handed out
 *   as an object with the same attribute names whose values come from the
 *   second call when read. A module that sets `_module.args.foo` and reads
 *   the argument `pkgs` does not need itself.
 * - When a second call defines other options than the first said, options
 *   not merged yet simply gain or lose its definitions; for options already
 *   merged (their value may be in use) that is a
 *   {@link ConfigDependentStructureError}.
 *
 * A module's config may be a getter, or contain getters above the options,
 * that read `config`. Such a read needs definitions of other modules while
 * the index is being built; the index then finishes the remaining modules
 * first (the reading module's own definitions are not known yet) and, once
 * the reading module is walked, checks that it does not itself define what it
 * read — if it did, the value it saw would be wrong, which is reported as
 * infinite recursion rather than used.
 */
import { ConfigDependentStructureError } from "../errors/config-dependent-structure-error.js";
import { InfiniteRecursionError } from "../errors/infinite-recursion-error.js";
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import { showOption } from "../options/show-option.js";
import { MkIf } from "../properties/mk-if.js";
import { MkMerge } from "../properties/mk-merge.js";
import { MkOrder } from "../properties/mk-order.js";
import { MkOverride } from "../properties/mk-override.js";
import type { CollectedModule } from "./collect-modules.js";
import type { Definition } from "./definition.js";
import { containsGhost } from "./ghost.js";
import type { ModuleCalls } from "./module-calls.js";
import type { ConfigSource } from "./module-shape.js";
import type { OptionNode } from "./option-tree.js";
import { pushDownProperties } from "./push-down-properties.js";

/** A definition that matched no declared option. */
export interface UnmatchedDefinition extends Definition {
  /** Its path relative to the evaluation root. */
  readonly path: readonly string[];
}

/** What walking one module's config found. */
interface Found {
  readonly nodes: Map<OptionNode, unknown[]>;
  readonly unmatched: Array<{ readonly path: readonly string[]; readonly value: unknown }>;
}

/** A module whose definitions wait for its second call. */
interface Deferred {
  readonly module: CollectedModule;
  readonly calls: ModuleCalls;
  readonly order: number;
  /** The structure seen in the first call (values not to be used). */
  readonly first: Found;
  /** The second call's definitions, once taken. */
  materialized: Found | undefined;
  reconciling: boolean;
  /** Attribute-wise stand-ins handed out before the second call (see the file comment). */
  readonly presented: Map<OptionNode, { readonly keys: readonly string[]; readonly object: object }>;
}

/** One module's contribution to an option: a definition, or a deferred module. */
interface Entry {
  readonly order: number;
  readonly definition: Definition | undefined;
  readonly deferred: Deferred | undefined;
}

interface WalkingModule {
  readonly module: CollectedModule;
  readonly reads: Array<readonly string[]>;
}

/** Option types whose definitions can be handed out attribute by attribute. */
const KEYED_TYPES = new Set(["attrsOf", "lazyAttrsOf", "submodule"]);

function related(a: readonly string[], b: readonly string[]): boolean {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) if (a[index] !== b[index]) return false;
  return true;
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Adds the attribute names a definition value sets (through properties); false if they cannot be known without evaluating it. */
function collectNames(value: unknown, names: Set<string>): boolean {
  if (value instanceof MkMerge) return value.contents.every((content) => collectNames(content, names));
  if (value instanceof MkIf || value instanceof MkOverride || value instanceof MkOrder) return collectNames(value.content, names);
  if (!isPlainObject(value)) return false;
  for (const name of Object.keys(value)) names.add(name);
  return true;
}

function pathKey(path: readonly string[]): string {
  return path.join("\u0000");
}

function isStructural(source: ConfigSource): boolean {
  return source.kind === "value" && source.structural === true;
}

/** Walks `sources` against the option tree at `root`. */
function walkSources(sources: readonly ConfigSource[], root: OptionNode, file: string): Found {
  const found: Found = { nodes: new Map(), unmatched: [] };
  const sink = {
    definition: (node: OptionNode, value: unknown) => {
      const list = found.nodes.get(node);
      if (list === undefined) found.nodes.set(node, [value]);
      else list.push(value);
    },
    unmatched: (path: readonly string[], value: unknown) => found.unmatched.push({ path, value }),
  };
  for (const source of sources) {
    if (source.kind === "shorthand") pushDownProperties(source.object, root, file, sink, source.excluded);
    else pushDownProperties(source.kind === "getter" ? source.read() : source.value, root, file, sink);
  }
  return found;
}

/** The definitions of an evaluation by option node, plus the unmatched ones. */
export class DefinitionIndex {
  readonly #modules: readonly CollectedModule[];
  readonly #root: OptionNode;
  readonly #byNode = new Map<OptionNode, Entry[]>();
  readonly #unmatched: Array<UnmatchedDefinition & { readonly order: number }> = [];
  readonly #deferred: Deferred[] = [];
  readonly #deferredByCalls = new Map<ModuleCalls, Deferred>();
  /** Options whose definitions were handed out (merged): their set of definitions is fixed. */
  readonly #handedOut = new Set<OptionNode>();
  #unmatchedConsumed = false;
  #cursor = 0;
  #outOfOrder = false;
  readonly #walking: WalkingModule[] = [];

  /** Indexes `modules`, given in merge order, against the option tree `root`. Nothing is walked until needed. */
  constructor(modules: readonly CollectedModule[], root: OptionNode) {
    this.#modules = modules;
    this.#root = root;
  }

  /** Whether a module's config is being walked right now. */
  get isWalking(): boolean {
    return this.#walking.length > 0;
  }

  /** Whether every module has been walked. */
  get isComplete(): boolean {
    return this.#cursor >= this.#modules.length && this.#walking.length === 0;
  }

  /** Walks every module not yet walked (re-entrant, see the file comment). */
  complete(): void {
    while (this.#cursor < this.#modules.length) {
      const order = this.#cursor++;
      if (this.#walking.length > 0) this.#outOfOrder = true;
      this.#walk(this.#modules[order] as CollectedModule, order);
    }
  }

  #walk(module: CollectedModule, order: number): void {
    const calls = module.calls;
    if (calls === undefined) {
      this.#walkReal(module, () => module.config, order);
      return;
    }
    const structural = module.config.some(isStructural) ? module.config.filter(isStructural) : [];
    const others = structural.length === 0 ? module.config : module.config.filter((source) => !isStructural(source));
    for (const source of structural) {
      if (source.kind === "value" && containsGhost(source.value, 3)) {
        throw new InvalidModuleError(`infinite recursion encountered while evaluating the freeformType of module \`${module.file}': it depends on \`config'.`);
      }
    }
    const second = calls.second;
    if (second !== undefined) {
      this.#walkReal(module, () => [...second.config.filter((source) => !isStructural(source)), ...structural], order);
      return;
    }
    let first: Found;
    try {
      first = calls.scope.run(() => walkSources(others, this.#root, module.file));
    } catch (error) {
      if (!calls.touched) throw error;
      // The structure could not be seen through the placeholders: take it from the real call, whose reads are checked like a getter's.
      this.#walkReal(module, () => [...calls.callSecond().config.filter((source) => !isStructural(source)), ...structural], order);
      return;
    }
    if (!calls.touched) {
      this.#commit(module, first, order);
    } else {
      const deferred: Deferred = { module, calls, order, first, materialized: undefined, reconciling: false, presented: new Map() };
      this.#deferred.push(deferred);
      this.#deferredByCalls.set(calls, deferred);
      for (const node of first.nodes.keys()) this.#add(node, { order, definition: undefined, deferred });
    }
    if (structural.length > 0) this.#walkReal(module, () => structural, order);
  }

  #add(node: OptionNode, entry: Entry): void {
    const list = this.#byNode.get(node);
    if (list === undefined) this.#byNode.set(node, [entry]);
    else {
      const last = list[list.length - 1];
      if (last !== undefined && last.order > entry.order) this.#outOfOrder = true;
      list.push(entry);
    }
  }

  #commit(module: CollectedModule, found: Found, order: number): void {
    for (const [node, values] of found.nodes) for (const value of values) this.#add(node, { order, definition: { file: module.file, value }, deferred: undefined });
    for (const { path, value } of found.unmatched) this.#unmatched.push({ file: module.file, value, path, order });
  }

  /** Walks config whose getters (or whose making: `sources`) may read real `config` (see the file comment). */
  #walkReal(module: CollectedModule, sources: () => readonly ConfigSource[], order: number): void {
    const walking: WalkingModule = { module, reads: [] };
    this.#walking.push(walking);
    let found: Found;
    try {
      found = walkSources(sources(), this.#root, module.file);
    } finally {
      this.#walking.pop();
    }
    for (const read of walking.reads) {
      let clash: readonly string[] | undefined;
      for (const node of found.nodes.keys()) if (clash === undefined && related(node.path, read)) clash = node.loc;
      for (const { path } of found.unmatched) if (clash === undefined && related(path, read)) clash = [...this.#root.loc, ...path];
      if (clash !== undefined) {
        const shownRead = showOption([...this.#root.loc, ...read]);
        throw new InfiniteRecursionError(
          `infinite recursion encountered while evaluating: the config of module \`${module.file}' reads \`${shownRead}' while it is being computed, and itself defines \`${showOption(clash)}'. Make the read lazy: \`mkIf(() => …, …)\`, \`lazy(() => …)\` or a getter at the option.`,
          [shownRead, showOption(clash)],
        );
      }
    }
    this.#commit(module, found, order);
  }

  /** Records that `path` was read while modules were being walked (see the file comment). */
  noteRead(path: readonly string[]): void {
    for (const walking of this.#walking) walking.reads.push(path);
  }

  /** The definitions of the option at `node`, in merge order; makes the second calls of the modules defining it. */
  definitionsOf(node: OptionNode): readonly Definition[] {
    this.complete();
    if (this.#walking.length > 0) this.noteRead(node.path);
    const list = this.#byNode.get(node);
    if (list !== undefined) {
      // The list may grow while second calls run (they can newly define this option); those are included.
      for (let index = 0; index < list.length; index++) {
        const deferred = (list[index] as Entry).deferred;
        if (deferred !== undefined && deferred.materialized === undefined && !this.#presentable(deferred, node)) this.#materialize(deferred);
      }
    }
    this.#handedOut.add(node);
    if (list === undefined) return [];
    const entries = this.#outOfOrder ? [...list].sort((a, b) => a.order - b.order) : list;
    const result: Definition[] = [];
    for (const entry of entries) {
      if (entry.definition !== undefined) {
        result.push(entry.definition);
        continue;
      }
      const deferred = entry.deferred as Deferred;
      const file = deferred.module.file;
      if (deferred.materialized === undefined) result.push({ file, value: this.#presentation(deferred, node) });
      else for (const value of deferred.materialized.nodes.get(node) ?? []) result.push({ file, value });
    }
    return result;
  }

  #presentable(deferred: Deferred, node: OptionNode): boolean {
    const values = deferred.first.nodes.get(node);
    return values !== undefined && values.length === 1 && isPlainObject(values[0]) && KEYED_TYPES.has(node.record.type.name);
  }

  #presentation(deferred: Deferred, node: OptionNode): object {
    const known = deferred.presented.get(node);
    if (known !== undefined) return known.object;
    const keys = Object.keys(deferred.first.nodes.get(node)?.[0] as object);
    const object: Record<string, unknown> = {};
    for (const key of keys) {
      Object.defineProperty(object, key, {
        enumerable: true,
        configurable: true,
        get: () => {
          this.#materialize(deferred);
          // Checked in #reconcile: one plain object with exactly these attributes.
          const value = deferred.materialized?.nodes.get(node)?.[0] as object;
          const descriptor = Object.getOwnPropertyDescriptor(value, key);
          return descriptor?.get !== undefined ? descriptor.get.call(value) : descriptor?.value;
        },
      });
    }
    deferred.presented.set(node, { keys, object });
    return object;
  }

  #materialize(deferred: Deferred): void {
    if (deferred.materialized !== undefined) return;
    if (deferred.reconciling) {
      const stack = showOption(this.#root.loc);
      throw new InfiniteRecursionError(
        `infinite recursion encountered while evaluating: the config of module \`${deferred.module.file}' reads an option it defines itself while its config is being walked${stack === "" ? "" : ` (in \`${stack}')`}. Make the read lazy: \`mkIf(() => …, …)\`, \`lazy(() => …)\` or a getter at the option.`,
        [],
      );
    }
    deferred.calls.callSecond();
    this.#reconcile(deferred);
  }

  /** Takes the definitions of a module's second call, made for whatever reason (see `module-calls.ts`). */
  reconcile(calls: ModuleCalls): void {
    const deferred = this.#deferredByCalls.get(calls);
    if (deferred !== undefined && deferred.materialized === undefined && !deferred.reconciling) this.#reconcile(deferred);
  }

  /** The error for a second call that defines other options than the first said; the evaluation fails from now on (values already handed out missed it). */
  #drift(deferred: Deferred, path: readonly string[], what: string): unknown {
    const loc = [...this.#root.loc, ...path];
    const error = new ConfigDependentStructureError(
      `Module \`${deferred.module.file}' ${what.replaceAll("@", `\`${showOption(loc)}'`)}. The set of options a module defines must not depend on config values: it is read from a first call with a placeholder config. Use \`mkIf(cfg.enable, { … })\` rather than \`cfg.enable ? { … } : {}\` (or \`&&\`, \`if\`).`,
      deferred.module.file,
      loc,
    );
    return deferred.calls.fail(error);
  }

  #reconcile(deferred: Deferred): void {
    const second = deferred.calls.second;
    if (second === undefined) return;
    deferred.reconciling = true;
    let found: Found;
    try {
      found = walkSources(
        second.config.filter((source) => !isStructural(source)),
        this.#root,
        deferred.module.file,
      );
    } finally {
      deferred.reconciling = false;
    }
    if (deferred.materialized !== undefined) return;
    for (const node of found.nodes.keys()) {
      if (!deferred.first.nodes.has(node) && this.#handedOut.has(node)) throw this.#drift(deferred, node.path, "defines @ only when called with the real config, and @ was already evaluated without that definition");
    }
    for (const [node, presented] of deferred.presented) {
      const values = found.nodes.get(node);
      const value = values?.length === 1 ? values[0] : undefined;
      const keys = isPlainObject(value) ? Object.keys(value) : undefined;
      if (keys === undefined || keys.length !== presented.keys.length || keys.some((key, index) => presented.keys[index] !== key)) {
        throw this.#drift(deferred, node.path, "defines different attributes of @ when called with the real config than with a placeholder, and @ was already evaluated");
      }
    }
    if (this.#unmatchedConsumed) {
      const before = new Set(deferred.first.unmatched.map(({ path }) => pathKey(path)));
      const after = new Set(found.unmatched.map(({ path }) => pathKey(path)));
      const changed = found.unmatched.find(({ path }) => !before.has(pathKey(path))) ?? deferred.first.unmatched.find(({ path }) => !after.has(pathKey(path)));
      if (changed !== undefined) throw this.#drift(deferred, changed.path, "defines @ (which has no declared option) in only one of its two calls, after definitions without options were already checked");
    }
    deferred.materialized = found;
    for (const node of found.nodes.keys()) if (!deferred.first.nodes.has(node)) this.#add(node, { order: deferred.order, definition: undefined, deferred });
  }

  /** Definitions that matched no option, in merge order (makes the second calls of deferred modules that have such definitions). */
  unmatched(): readonly UnmatchedDefinition[] {
    this.complete();
    for (const deferred of this.#deferred) if (deferred.materialized === undefined && deferred.first.unmatched.length > 0) this.#materialize(deferred);
    this.#unmatchedConsumed = true;
    const all: Array<UnmatchedDefinition & { readonly order: number }> = [...this.#unmatched];
    for (const deferred of this.#deferred) {
      for (const { path, value } of deferred.materialized?.unmatched ?? []) all.push({ file: deferred.module.file, value, path, order: deferred.order });
    }
    return all.sort((a, b) => a.order - b.order);
  }

  /**
   * The attribute names the definitions of an attribute-set option may set
   * (conditions not evaluated; deferred modules by their first call), or
   * `undefined` when some definition hides them (a `lazy()` value).
   */
  attributeNames(node: OptionNode): Set<string> | undefined {
    this.complete();
    const names = new Set<string>();
    for (const entry of this.#byNode.get(node) ?? []) {
      const values = entry.definition !== undefined ? [entry.definition.value] : ((entry.deferred?.materialized ?? entry.deferred?.first)?.nodes.get(node) ?? []);
      for (const value of values) if (!collectNames(value, names)) return undefined;
    }
    return names;
  }

  /** Every option-level definition path and unmatched path of the given modules (for verifying early reads); deferred modules show their first call's structure. */
  pathsDefinedBy(modules: ReadonlySet<CollectedModule>): Array<{ path: readonly string[]; value: unknown; node: OptionNode | undefined; module: CollectedModule }> {
    this.complete();
    const result: Array<{ path: readonly string[]; value: unknown; node: OptionNode | undefined; module: CollectedModule }> = [];
    for (const [node, list] of this.#byNode) {
      for (const entry of list) {
        const module = entry.deferred?.module ?? this.#modules[entry.order];
        if (module === undefined || !modules.has(module)) continue;
        const values = entry.definition !== undefined ? [entry.definition.value] : ((entry.deferred?.materialized ?? entry.deferred?.first)?.nodes.get(node) ?? []);
        for (const value of values) result.push({ path: node.path, value, node, module });
      }
    }
    for (const definition of this.#unmatched) {
      const module = this.#modules[definition.order];
      if (module !== undefined && modules.has(module)) result.push({ path: definition.path, value: definition.value, node: undefined, module });
    }
    for (const deferred of this.#deferred) {
      if (!modules.has(deferred.module)) continue;
      for (const { path, value } of (deferred.materialized ?? deferred.first).unmatched) result.push({ path, value, node: undefined, module: deferred.module });
    }
    return result;
  }
}
