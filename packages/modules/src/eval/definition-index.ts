/**
 * All definitions of one evaluation, indexed by option, built in one pass
 * over the modules' configs (so merging an option never scans the modules).
 *
 * For a module function the pass walks the result of its first call, made
 * with a placeholder `config` (see `placeholder/module-calls.ts`): that tells which
 * options the module defines. If the module never touched the placeholder,
 * those definitions are final. Otherwise the walk also classifies each
 * definition (see `placeholder/taint.ts`): the module's clean definitions of an option
 * are final too, and are remembered once handed out; for an option where it
 * has a tainted one, its values come from its second call, made only when
 * that option is merged. Every other module's definitions are unaffected, so
 * reading an option calls at most the modules with a tainted definition of
 * it. Once a second call is made (for whatever reason), its definitions
 * replace the first call's for options not merged yet, and must equal them
 * for options already merged from clean definitions, or the evaluation fails
 * with a `ConfigDependentStructureError` (see `placeholder/deferred-definitions.ts`).
 *
 * The internal module's config (`_module.args = {}`) is walked only once
 * its options are declared (see `option-tree.ts`): until then nothing under
 * `_module` is read or defined, so nothing needs its definition.
 *
 * The final evaluation's index is the last to walk the modules: once it
 * has a module function's definitions, the rest of that call's result is let
 * go (`releaseConfig`), so a large configuration is not kept twice.
 *
 * Two refinements keep real configurations free of false cycles:
 *
 * - For an `attrsOf`, `lazyAttrsOf` or `submodule` option that the first
 *   call defined with a plain object, tainted, the module's definition is
 *   handed out as an object with the same attribute names whose values come
 *   from the second call when read. A module that sets `_module.args.foo` and reads
 *   the argument `pkgs` does not need itself.
 * - When a second call defines other options than the first said, options
 *   not merged yet simply gain or lose its definitions; for options already
 *   merged (their value may be in use) that is a
 *   `ConfigDependentStructureError`.
 *
 * A module's config may be a getter, or contain getters above the options,
 * that read `config`. Such a read needs definitions of other modules while
 * the index is being built; the index then finishes the remaining modules
 * first (the reading module's own definitions are not known yet) and, once
 * the reading module is walked, checks that it does not itself define what it
 * read — if it did, the value it saw would be wrong, which is reported as
 * infinite recursion rather than used.
 */
import { InfiniteRecursionError } from "../errors/infinite-recursion-error.js";
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import { showOption } from "../options/show-option.js";
import { MkIf } from "../properties/mk-if.js";
import { MkMerge } from "../properties/mk-merge.js";
import { MkOrder } from "../properties/mk-order.js";
import { MkOverride } from "../properties/mk-override.js";
import type { CollectedModule } from "./collect-modules.js";
import type { Definition } from "../merge/definition.js";
import { DeferredDefinitions, FoundDefinitions, containsPlaceholder, definitionsAt, firstCallClassifier, type ModuleCalls } from "../placeholder/index.js";
import { INTERNAL_MODULE_FILE } from "./internal-module.js";
import { releaseConfig, shapeModule, type ConfigSource, type ShapedModule } from "./module-shape.js";
import type { OptionNode } from "./option-tree.js";
import { pushDownProperties, type DefinitionClassifier, type DefinitionSink } from "../merge/push-down-properties.js";

/** A definition that matched no declared option. */
export interface UnmatchedDefinition extends Definition {
  /** Its path relative to the evaluation root. */
  readonly path: readonly string[];
}

/** What walking one module's config found. */
type Found = FoundDefinitions<OptionNode>;

/** A module function that touched a placeholder: its clean definitions are final, the others wait for its second call. */
type Deferred = DeferredDefinitions<CollectedModule, OptionNode, ModuleCalls<ShapedModule>>;

/** A final definition of a module, with the module's position in merge order. */
interface Committed {
  readonly order: number;
  readonly definition: Definition;
}

/** One module's contribution to an option: a final definition, or a module function's definitions (all of them at that option). */
type Entry = Committed | Deferred;

interface WalkingModule {
  readonly module: CollectedModule;
  /** Paths read while the module was walked: made at the first (most walks read nothing). */
  reads: Array<readonly string[]> | undefined;
}

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

/** What the node holds for the index of its evaluation: its one entry (most options), or its list of several. */
function heldBy(node: OptionNode): Entry | Entry[] | undefined {
  return node.indexEntries as Entry | Entry[] | undefined;
}

/** The entries for the option at `node`, as a list (made for an option with one: for the seldom-asked listings). */
function entriesOf(node: OptionNode): readonly Entry[] | undefined {
  const held = heldBy(node);
  return held === undefined || Array.isArray(held) ? held : [held];
}

/** The nodes below `node` with entries, and their entries (the internal module's pending options have none). */
function definedNodes(node: OptionNode, into: Array<[OptionNode, readonly Entry[]]>): Array<[OptionNode, readonly Entry[]]> {
  const list = entriesOf(node);
  if (list !== undefined) into.push([node, list]);
  for (const child of node.declaredChildren.values()) definedNodes(child, into);
  return into;
}

function isHandedOut(node: OptionNode): boolean {
  return node.handedOut;
}

function isStructural(source: ConfigSource): boolean {
  return source.kind === "value" && source.structural === true;
}

function walkInto(sources: readonly ConfigSource[], root: OptionNode, file: string, sink: DefinitionSink<OptionNode>, classifier: DefinitionClassifier | undefined): void {
  for (const source of sources) {
    if (source.kind === "released") throw new Error(`internal error: the config of module \`${file}' was walked after the final evaluation took its definitions`);
    if (source.kind === "shorthand") pushDownProperties(source.object, root, file, sink, source.excluded, classifier);
    else pushDownProperties(source.kind === "getter" ? source.read() : source.value, root, file, sink, undefined, classifier);
  }
}

/** Hands what a walk finds to its `Found` (a class rather than an object of two closures: one object per walk, no closure context). */
class FoundSink implements DefinitionSink<OptionNode> {
  readonly found: Found = new FoundDefinitions<OptionNode>();

  definition(node: OptionNode, value: unknown, tainted: boolean): void {
    this.found.add(node, value, tainted);
  }

  unmatched(path: readonly string[], value: unknown, tainted: boolean): void {
    this.found.unmatched.push({ path, value });
    if (tainted) this.found.unmatchedTainted = true;
  }
}

/** Walks `sources` against the option tree at `root`, definitions in the order found; with `classify`, notes tainted definitions (see `placeholder/taint.ts`). */
function walkSources(sources: readonly ConfigSource[], root: OptionNode, file: string, classify = false): Found {
  const sink = new FoundSink();
  walkInto(sources, root, file, sink, classify ? firstCallClassifier : undefined);
  return sink.found;
}

/** The definitions of an evaluation by option node, plus the unmatched ones. */
export class DefinitionIndex {
  #modules: readonly CollectedModule[];
  /** Whether {@link modules} were let go (see there). */
  #modulesReleased = false;
  readonly #root: OptionNode;
  readonly #unmatched: Array<UnmatchedDefinition & { readonly order: number }> = [];
  readonly #deferred: Deferred[] = [];
  /** Made for the first module function that touched a placeholder (most submodule values have none). */
  #deferredByCalls: Map<ModuleCalls<ShapedModule>, Deferred> | undefined;
  #unmatchedConsumed = false;
  #cursor = 0;
  #outOfOrder = false;
  readonly #walking: WalkingModule[] = [];
  /** Whether this is the index of the final evaluation, the last to walk the modules' configs (see {@link markFinal}). */
  #final = false;
  /** The internal module, when the walk reached it before its options were declared: walked once they are (see the file comment). */
  // Its module value (shared by every evaluation) and merge position, not its collected form: that is let go with the others.
  #lateInternal: object | undefined;
  #lateInternalOrder = 0;

  /** Indexes `modules`, given in merge order, against the option tree `root`. Nothing is walked until needed. */
  constructor(modules: readonly CollectedModule[], root: OptionNode) {
    this.#modules = modules;
    this.#root = root;
  }

  /**
   * Called once this index's evaluation is the final one, which no other
   * evaluation of the same modules follows: from then on, the results of
   * module functions are let go once this index has their definitions
   * (see `releaseConfig`).
   */
  markFinal(): void {
    this.#final = true;
  }

  /**
   * The modules, in merge order. A final index lets go of them once it has
   * walked them all and none waits for a second call: what it found holds
   * what later reads need, and a submodule value's modules (the wrappers of
   * its definitions, their config sources) then die young, with the rest of
   * its collection, rather than being kept as long as the value.
   */
  get modules(): readonly CollectedModule[] {
    if (this.#modulesReleased) throw new Error("internal error: an evaluation's modules were asked for after its index let them go");
    return this.#modules;
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
    // The late internal module is walked from its module value (see `#takeLateInternal`); deferred modules keep theirs.
    if (this.#final && this.#deferred.length === 0 && this.#walking.length === 0 && !this.#modulesReleased && this.#cursor >= this.#modules.length) {
      this.#modulesReleased = true;
      this.#cursor = 0;
      this.#modules = [];
    }
  }

  #walk(module: CollectedModule, order: number): void {
    const calls = module.calls;
    if (calls === undefined) {
      if (this.#root.defers(module.options)) {
        this.#lateInternal = module.identity;
        this.#lateInternalOrder = order;
      }
      else this.#walkReal(module, module.config, order);
      return;
    }
    const structural = module.config.some(isStructural) ? module.config.filter(isStructural) : [];
    const others = structural.length === 0 ? module.config : module.config.filter((source) => !isStructural(source));
    for (const source of structural) {
      if (source.kind === "value" && containsPlaceholder(source.value, 3)) {
        throw new InvalidModuleError(`infinite recursion encountered while evaluating the freeformType of module \`${module.file}': it depends on \`config'.`);
      }
    }
    const second = calls.second;
    if (second !== undefined) {
      this.#walkReal(module, () => [...second.config.filter((source) => !isStructural(source)), ...structural], order);
      this.#release(calls);
      return;
    }
    let first: Found;
    try {
      first = calls.scope.run(() => walkSources(others, this.#root, module.file, true));
    } catch (error) {
      if (!calls.touched) throw error;
      // The structure could not be seen through the placeholders: take it from the real call, whose reads are checked like a getter's.
      this.#walkReal(module, () => [...calls.callSecond().config.filter((source) => !isStructural(source)), ...structural], order);
      this.#release(calls);
      return;
    }
    if (!calls.touched) {
      this.#commit(module, first, order);
    } else {
      const allTainted = calls.taintsAllDefinitions();
      const deferred = new DeferredDefinitions(module, calls, order, first, allTainted);
      this.#deferred.push(deferred);
      (this.#deferredByCalls ??= new Map()).set(calls, deferred);
      for (const node of first.options()) this.#add(node, deferred);
    }
    if (structural.length > 0) this.#walkReal(module, () => structural, order);
    if (this.#final) releaseConfig(calls.first);
  }

  /** After the final index has walked a module function's second result: neither call's config is needed any more. */
  #release(calls: ModuleCalls<ShapedModule>): void {
    if (!this.#final) return;
    releaseConfig(calls.first);
    if (calls.second !== undefined) releaseConfig(calls.second);
  }

  #add(node: OptionNode, entry: Entry): void {
    // On the node, not in a map of this index by node: the tree is this index's evaluation's own (one map fewer per submodule
    // value); one entry as itself, no list of one (most options have one).
    const held = heldBy(node);
    if (held === undefined) {
      node.indexEntries = entry;
      return;
    }
    const last = Array.isArray(held) ? held[held.length - 1] : held;
    if (last !== undefined && last.order > entry.order) this.#outOfOrder = true;
    if (Array.isArray(held)) held.push(entry);
    else node.indexEntries = [held, entry];
  }

  #commit(module: { readonly file: string }, found: Found, order: number): void {
    const { nodes, values } = found;
    for (let index = 0; index < nodes.length; index++) this.#add(nodes[index] as OptionNode, { order, definition: { file: module.file, value: values[index] } });
    for (const { path, value } of found.unmatched) this.#unmatched.push({ file: module.file, value, path, order });
  }

  /** Walks config whose getters (or whose making: `sources`, when a function) may read real `config` (see the file comment). A list is walked as it is: no closure per module. */
  #walkReal(module: CollectedModule, sources: readonly ConfigSource[] | (() => readonly ConfigSource[]), order: number): void {
    const walking: WalkingModule = { module, reads: undefined };
    this.#walking.push(walking);
    let found: Found;
    try {
      found = walkSources(typeof sources === "function" ? sources() : sources, this.#root, module.file);
    } finally {
      this.#walking.pop();
      // Emptied by length: `pop` keeps the room the list grew, for as long as the index lives (one per submodule value).
      if (this.#walking.length === 0) this.#walking.length = 0;
    }
    for (const read of walking.reads ?? []) {
      let clash: readonly string[] | undefined;
      for (const node of found.nodes) if (clash === undefined && related(node.path, read)) clash = node.loc;
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
    for (const walking of this.#walking) (walking.reads ??= []).push(path);
  }

  /** Walks the internal module's config if it waited for its options (see the file comment), which are now declared. */
  #takeLateInternal(): void {
    const late = this.#lateInternal;
    if (late === undefined || this.#root.hasPendingDeclarations) return;
    this.#lateInternal = undefined;
    // Its config sets `_module.args` only: no getter, nothing read; its definitions take its place in merge order.
    const module = shapeModule(late, INTERNAL_MODULE_FILE);
    this.#commit(module, walkSources(module.config, this.#root, module.file), this.#lateInternalOrder);
  }


  /**
   * The definitions of the option at `node`, in merge order; makes the
   * second calls of the modules with a tainted definition of it.
   */
  definitionsOf(node: OptionNode): readonly Definition[] {
    this.complete();
    this.#takeLateInternal();
    if (this.#walking.length > 0) this.noteRead(node.path);
    // The entries may grow while second calls run (they can newly define this option, and one entry become a list); those are included.
    for (let index = 0; ; index++) {
      const held = heldBy(node);
      const deferred = Array.isArray(held) ? held[index] : index === 0 ? held : undefined;
      if (deferred === undefined) break;
      if (deferred instanceof DeferredDefinitions && !deferred.materialized && !deferred.isClean(node) && !deferred.presentable(node)) this.#materialize(deferred);
    }
    // A mark on the node (the tree is this index's evaluation's own) rather than a set of every option merged.
    node.handedOut = true;
    const held = heldBy(node);
    if (held === undefined) return [];
    const result: Definition[] = [];
    if (!Array.isArray(held)) {
      this.#definitionsFrom(held, node, result);
      return result;
    }
    const entries = this.#outOfOrder ? [...held].sort((a, b) => a.order - b.order) : held;
    for (const entry of entries) this.#definitionsFrom(entry, node, result);
    return result;
  }

  /** Adds the definitions of `node` that `entry` gives to `result`. */
  #definitionsFrom(entry: Entry, node: OptionNode, result: Definition[]): void {
    if (!(entry instanceof DeferredDefinitions)) {
      result.push(entry.definition);
      return;
    }
    const deferred = entry;
    const file = deferred.module.file;
    if (deferred.materialized || deferred.isClean(node)) {
      if (!deferred.materialized) (deferred.used ??= new Set()).add(node);
      for (const value of definitionsAt(deferred.found, node)) result.push({ file, value });
    } else {
      result.push({ file, value: this.#presentation(deferred, node) });
    }
  }

  #presentation(deferred: Deferred, node: OptionNode): object {
    const known = deferred.presented?.get(node);
    if (known !== undefined) return known.object;
    const keys = Object.keys(definitionsAt(deferred.found, node)[0] as object);
    const object: Record<string, unknown> = {};
    for (const key of keys) {
      Object.defineProperty(object, key, {
        enumerable: true,
        configurable: true,
        get: () => {
          this.#materialize(deferred);
          // Checked in #reconcile: one plain object with exactly these attributes.
          const value = definitionsAt(deferred.found, node)[0] as object;
          const descriptor = Object.getOwnPropertyDescriptor(value, key);
          return descriptor?.get !== undefined ? descriptor.get.call(value) : descriptor?.value;
        },
      });
    }
    (deferred.presented ??= new Map()).set(node, { keys, object });
    return object;
  }

  #materialize(deferred: Deferred): void {
    if (deferred.materialized) return;
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

  /** Takes the definitions of a module's second call, made for whatever reason (see `placeholder/module-calls.ts`). */
  reconcile(calls: ModuleCalls<ShapedModule>): void {
    const deferred = this.#deferredByCalls?.get(calls);
    if (deferred !== undefined && !deferred.materialized && !deferred.reconciling) this.#reconcile(deferred);
  }

  #reconcile(deferred: Deferred): void {
    const second = deferred.calls.second;
    if (second === undefined || deferred.materialized) return;
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
    const first = deferred.found;
    deferred.checkSecond(found, { loc: this.#root.loc, handedOut: isHandedOut, unmatchedConsumed: this.#unmatchedConsumed });
    this.#release(deferred.calls);
    deferred.take(found);
    for (const node of found.options()) if (!first.defines(node)) this.#add(node, deferred);
  }

  /** Definitions that matched no option, in merge order (makes the second calls of modules with a tainted one). */
  unmatched(): readonly UnmatchedDefinition[] {
    this.complete();
    for (const deferred of this.#deferred) {
      if (!deferred.materialized && deferred.found.unmatched.length > 0 && (deferred.allTainted || deferred.found.unmatchedTainted)) this.#materialize(deferred);
    }
    this.#unmatchedConsumed = true;
    // Asked once per evaluation (the undeclared-option check), where there are usually none.
    if (this.#unmatched.length === 0 && this.#deferred.every((deferred) => deferred.found.unmatched.length === 0)) return [];
    const all: Array<UnmatchedDefinition & { readonly order: number }> = [...this.#unmatched];
    for (const deferred of this.#deferred) {
      const found = deferred.found;
      if (!deferred.materialized && found.unmatched.length > 0) deferred.unmatchedUsed = true;
      for (const { path, value } of found.unmatched) all.push({ file: deferred.module.file, value, path, order: deferred.order });
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
    this.#takeLateInternal();
    const names = new Set<string>();
    for (const entry of entriesOf(node) ?? []) {
      const values = entry instanceof DeferredDefinitions ? definitionsAt(entry.found, node) : [entry.definition.value];
      for (const value of values) if (!collectNames(value, names)) return undefined;
    }
    return names;
  }

  /** Every option-level definition path and unmatched path of the given modules (for verifying early reads); deferred modules show their first call's structure. */
  pathsDefinedBy(modules: ReadonlySet<CollectedModule>): Array<{ path: readonly string[]; value: unknown; node: OptionNode | undefined; module: CollectedModule }> {
    const all = this.modules;
    this.complete();
    this.#takeLateInternal();
    const result: Array<{ path: readonly string[]; value: unknown; node: OptionNode | undefined; module: CollectedModule }> = [];
    // (In the tree's order: the verification looks results up by path, so their order does not matter.)
    for (const [node, list] of definedNodes(this.#root, [])) {
      for (const entry of list) {
        const module = entry instanceof DeferredDefinitions ? entry.module : all[entry.order];
        if (module === undefined || !modules.has(module)) continue;
        const values = entry instanceof DeferredDefinitions ? definitionsAt(entry.found, node) : [entry.definition.value];
        for (const value of values) result.push({ path: node.path, value, node, module });
      }
    }
    for (const definition of this.#unmatched) {
      const module = all[definition.order];
      if (module !== undefined && modules.has(module)) result.push({ path: definition.path, value: definition.value, node: undefined, module });
    }
    for (const deferred of this.#deferred) {
      if (!modules.has(deferred.module)) continue;
      for (const { path, value } of deferred.found.unmatched) result.push({ path, value, node: undefined, module: deferred.module });
    }
    return result;
  }
}
