/**
 * The tree of declared options of one evaluation, built once from every
 * module's `options`: inner nodes are attribute names, nodes with
 * declarations are options. Lookups by path are a walk down this tree, so
 * finding an option costs its depth, not the number of options.
 *
 * For a module function the declarations are those of its first call: the
 * paths and types are taken as they are, while value fields (`default`,
 * `apply`, …) are looked up when needed through a `DeclarationView`, which
 * knows whether the first call's value can be trusted (see
 * `placeholder/module-calls.ts`).
 *
 * The internal module's options (`_module.args`, `check`, `freeformType`)
 * are declared when something first looks at `_module`: a module declaring
 * or defining something under it, a read, a listing of the whole tree. Every
 * evaluation includes that module, every submodule value's too, and most
 * never look: it is four of a value's seven nodes. Until then the root
 * still lists `_module`, in the place where it would be (see
 * {@link OptionNode.deferDeclarations}), so what `options` lists is the same.
 */
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import type { MergedDefinitions } from "../merge/merge-definitions.js";
import { isOptionDeclaration, type AnyOptionDeclaration } from "../options/option-declaration.js";
import { showOption, type OptionPath } from "../options/show-option.js";
import type { CollectedModule } from "./collect-modules.js";
import { isPlaceholder, type ModuleCalls } from "../placeholder/index.js";
import { mergeOptionDeclarations, type LocatedDeclaration, type OptionRecord } from "./merge-option-declarations.js";
import { extendPath } from "../options/extend-path.js";
import type { AnyOptionType } from "../types/option-type.js";
import { unspecified } from "../types/primitive-types.js";

/** A declaration in the tree, with the calls of the module function that made it, if any. */
export interface TreeDeclaration extends LocatedDeclaration {
  /** Set for module functions: value fields are then read through a `DeclarationView`. */
  readonly calls: ModuleCalls | undefined;
}

const NO_CHILDREN: ReadonlyMap<string, OptionNode> = new Map();

/**
 * A declaration in the tree, which is also the option's merged declaration
 * when it is the only one and no module function made it (nearly every
 * option): no record of its own beside it, kept as long as the option.
 */
class PlainDeclaration implements TreeDeclaration, OptionRecord {
  readonly file: string;
  readonly declaration: AnyOptionDeclaration;
  readonly calls: ModuleCalls | undefined;
  readonly loc: OptionPath;

  constructor(file: string, declaration: AnyOptionDeclaration, calls: ModuleCalls | undefined, loc: OptionPath) {
    this.file = file;
    this.declaration = declaration;
    this.calls = calls;
    this.loc = loc;
  }

  get declarations(): readonly string[] {
    return [this.file];
  }

  get type(): AnyOptionType {
    return this.declaration.type ?? unspecified;
  }

  get defaultDeclaration(): LocatedDeclaration | undefined {
    return this.declaration.hasDefault ? this : undefined;
  }
}

/** The bits of `OptionNode`'s flags. */
const DONE = 1;
const BUSY = 2;
const HANDED_OUT = 4;

/** The name every evaluation's internal module declares its options under. */
const INTERNAL_PREFIX = "_module";

/** A module's declarations under `_module`, not made yet (see {@link OptionNode.deferDeclarations}). */
interface PendingDeclarations {
  readonly options: object;
  readonly file: string;
  /** How many children the root had when the module's turn came: the place of `_module` among them. */
  readonly position: number;
  /** Whether `_module.freeformType` was taken as its default meanwhile (see {@link OptionNode.noteDefaultFreeformType}). */
  freeformTypeRead: boolean;
}

/** Roots whose internal module's declarations are pending, to them (a map rather than a field: one root per evaluation, and a field on every node). */
const pendingAt = new WeakMap<OptionNode, PendingDeclarations>();

/**
 * A node of the option tree: an option, or a prefix of options. There is one
 * per declared path, so nodes are kept small: leaves share an empty map of
 * children, and the path is the location when there is no prefix.
 */
export class OptionNode {
  /** The path from the evaluation root (without prefix). */
  readonly path: readonly string[];
  /** The full path (with the evaluation's prefix), for messages. */
  readonly loc: OptionPath;
  #children: Map<string, OptionNode> | undefined;
  /** None (a prefix), the one declaration (nearly every option: no list of one per option), or several. */
  #declarations: TreeDeclaration | readonly TreeDeclaration[] | undefined = undefined;
  #record: OptionRecord | undefined;
  #label: string | undefined;
  // The merge state of this option, kept by the one evaluation whose tree this is (see `evaluation.ts`): fields of the node
  // rather than an object of their own, one fewer per option.
  /** The merge result, until the value is known. */
  merged: MergedDefinitions<unknown> | undefined = undefined;
  /** The option's value, once {@link done}. */
  value: unknown = undefined;
  /** `done`, `busy` and `handedOut` below, as bits of one field (two fields fewer per node, kept as long as the tree). */
  #flags = 0;
  /** The evaluation's definition index's entries for this option: one, or a list of several (its own kind of object; see `definition-index.ts`). */
  indexEntries: object | undefined = undefined;

  /** Whether {@link value} is known. */
  get done(): boolean {
    return (this.#flags & DONE) !== 0;
  }

  set done(on: boolean) {
    this.#flags = on ? this.#flags | DONE : this.#flags & ~DONE;
  }

  /** Whether the option is being merged (a read of it now is a cycle). */
  get busy(): boolean {
    return (this.#flags & BUSY) !== 0;
  }

  set busy(on: boolean) {
    this.#flags = on ? this.#flags | BUSY : this.#flags & ~BUSY;
  }

  /** Whether the evaluation's definition index handed out this option's definitions (merged it): they are fixed from then on. */
  get handedOut(): boolean {
    return (this.#flags & HANDED_OUT) !== 0;
  }

  set handedOut(on: boolean) {
    this.#flags = on ? this.#flags | HANDED_OUT : this.#flags & ~HANDED_OUT;
  }

  /** Prefer {@link buildOptionTree}. */
  constructor(path: readonly string[], loc: OptionPath) {
    this.path = path;
    this.loc = loc;
  }

  /** Child nodes by attribute name (at the root, with the internal module's options declared first, if they were not). */
  get children(): ReadonlyMap<string, OptionNode> {
    if (this.path.length === 0 && pendingAt.has(this)) this.#declarePending();
    return this.#children ?? NO_CHILDREN;
  }

  /** The child named `name`, if declared (looking up `_module` at the root declares the internal module's options). */
  childNamed(name: string): OptionNode | undefined {
    if (name === INTERNAL_PREFIX && this.path.length === 0 && pendingAt.has(this)) this.#declarePending();
    return this.#children?.get(name);
  }

  /** The names of the children in order, `_module` included where its declarations are pending (which stay so). */
  childNames(): Iterable<string> {
    const children = this.#children ?? NO_CHILDREN;
    const pending = this.path.length === 0 ? pendingAt.get(this) : undefined;
    if (pending === undefined) return children.keys();
    const names = [...children.keys()];
    names.splice(pending.position, 0, INTERNAL_PREFIX);
    return names;
  }

  /** The children declared so far, without the pending ones: for checks that need not see the internal module's own options. */
  get declaredChildren(): ReadonlyMap<string, OptionNode> {
    return this.#children ?? NO_CHILDREN;
  }

  /** Whether the internal module's declarations (see {@link deferDeclarations}) are still pending. */
  get hasPendingDeclarations(): boolean {
    return this.path.length === 0 && pendingAt.has(this);
  }

  /** Whether `options` are the declarations left pending by {@link deferDeclarations}. */
  defers(options: unknown): boolean {
    return pendingAt.get(this)?.options === options;
  }

  /**
   * At the root, as the internal module's turn comes: leaves its declarations
   * (all under `_module`) to be made when something looks at `_module`, in
   * the place they would have had. False, and nothing is left, when a module
   * before it already declared something under `_module`: then they are
   * declared now, as any module's.
   */
  deferDeclarations(options: object, file: string): boolean {
    const children = this.#children ?? NO_CHILDREN;
    if (children.has(INTERNAL_PREFIX)) return false;
    pendingAt.set(this, { options, file, position: children.size, freeformTypeRead: false });
    return true;
  }

  /**
   * `_module.freeformType` was taken as its default (null) while it was not
   * declared yet: when it is, its definitions count as handed out, as if it
   * had been merged then (a module's second call may not newly define it).
   */
  noteDefaultFreeformType(): void {
    const pending = pendingAt.get(this);
    if (pending !== undefined) pending.freeformTypeRead = true;
  }

  #declarePending(): void {
    const pending = pendingAt.get(this) as PendingDeclarations;
    pendingAt.delete(this);
    // (Its options are an object `{ _module: … }`, declared at the root like any module's.)
    declareAll(pending.options, this, pending.file, undefined);
    const children = this.#children as Map<string, OptionNode>;
    const prefix = children.get(INTERNAL_PREFIX) as OptionNode;
    // `child` added `_module` last; it goes where the module's turn came (the names after it were declared later).
    if (pending.position < children.size - 1) {
      const entries = [...children];
      entries.splice(pending.position, 0, entries.pop() as [string, OptionNode]);
      this.#children = new Map(entries);
    }
    if (pending.freeformTypeRead) {
      const freeformType = prefix.#children?.get("freeformType");
      if (freeformType !== undefined) freeformType.handedOut = true;
    }
  }

  /** Declarations made at exactly this path (as written; see {@link record} for the ones of module functions). */
  get declarations(): readonly TreeDeclaration[] {
    const declarations = this.#declarations;
    return declarations === undefined ? [] : Array.isArray(declarations) ? declarations : [declarations as TreeDeclaration];
  }

  /** Adds a declaration made at exactly this path. */
  declare(declaration: TreeDeclaration): void {
    const declarations = this.#declarations;
    this.#declarations = declarations === undefined ? declaration : [...this.declarations, declaration];
  }

  /** The full path shown with dots, as in messages and cycle chains. */
  get label(): string {
    this.#label ??= showOption(this.loc);
    return this.#label;
  }

  /** Whether this node is an option (rather than a prefix). */
  get isOption(): boolean {
    return this.#declarations !== undefined;
  }

  /** The merged declaration; only for options. */
  get record(): OptionRecord {
    const declarations = this.#declarations;
    // One declaration, not a module function's: it is its own record (see `PlainDeclaration`).
    if (declarations instanceof PlainDeclaration && declarations.calls === undefined) return declarations;
    this.#record ??= mergeOptionDeclarations(
      this.loc,
      this.declarations.map((located) => (located.calls === undefined ? located : { file: located.file, declaration: located.calls.declaration(this.path, located.declaration) })),
    );
    return this.#record;
  }

  /** The child named `name`, created if missing. */
  child(name: string): OptionNode {
    if (name === INTERNAL_PREFIX && this.path.length === 0 && pendingAt.has(this)) this.#declarePending();
    const children = (this.#children ??= new Map());
    let node = children.get(name);
    if (node === undefined) {
      const path = extendPath(this.path, name);
      node = new OptionNode(path, this.loc === this.path ? path : extendPath(this.loc, name));
      children.set(name, node);
    }
    return node;
  }
}

function dependsOnConfig(loc: OptionPath, file: string, what: string): InvalidModuleError {
  return new InvalidModuleError(
    `infinite recursion encountered while evaluating the ${what} \`${showOption(loc)}' in \`${file}': it depends on \`config'. Which options exist, and their types, may not depend on option values; compute values lazily instead (\`default: lazy(() => …)\`).`,
  );
}

function declareAll(options: unknown, node: OptionNode, file: string, calls: ModuleCalls | undefined): void {
  // A plain object's names by `for … in` (V8's cache of them, same names in the same order: its prototype has no enumerable
  // attributes) rather than a new list of them from `Object.keys`, at every level of every module, every submodule value's too.
  const prototype = Object.getPrototypeOf(options) as unknown;
  if (prototype === Object.prototype || prototype === null) {
    for (const name in options as object) declareAt(options as Record<string, unknown>, name, node, file, calls);
  } else {
    for (const name of Object.keys(options as object)) declareAt(options as Record<string, unknown>, name, node, file, calls);
  }
}

function declareAt(options: Record<string, unknown>, name: string, node: OptionNode, file: string, calls: ModuleCalls | undefined): void {
  const value = options[name];
  const child = node.child(name);
  if (isOptionDeclaration(value)) {
    if (calls !== undefined && isPlaceholder(value.type)) throw dependsOnConfig(child.loc, file, "type of option");
    child.declare(new PlainDeclaration(file, value, calls, child.loc));
  } else if (isPlaceholder(value)) {
    throw dependsOnConfig(child.loc, file, "option declarations at");
  } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    declareAll(value, child, file, calls);
  } else {
    throw new InvalidModuleError(`An option declaration for \`${showOption(child.loc)}' in \`${file}' has type \`${value === null ? "null" : typeof value}' rather than an attribute set. Did you mean to define this outside of \`options'?`);
  }
}

function subtreeFiles(node: OptionNode, into = new Set<string>()): Set<string> {
  for (const declaration of node.declarations) into.add(declaration.file);
  for (const child of node.children.values()) subtreeFiles(child, into);
  return into;
}

// The internal module's pending options are not looked at: they nest nothing, and nothing is declared below them (it would have declared them).
function checkNesting(node: OptionNode): void {
  for (const child of node.declaredChildren.values()) {
    if (child.isOption && child.declaredChildren.size > 0) {
      // As nixpkgs: one line per name below the option and module declaring something under it, sorted.
      const nested = [...child.children].flatMap(([name, grandchild]) => [...subtreeFiles(grandchild)].map((file) => ` - option(s) with prefix \`${showOption([...child.loc, name])}' in module \`${file}'`)).sort();
      throw new InvalidModuleError(`The option \`${showOption(child.loc)}' in module \`${child.declarations[0]?.file ?? ""}' would be a parent of the following options, but its type \`${child.record.type.description}' does not support nested options.\n${nested.join("\n")}`);
    }
    checkNesting(child);
  }
}

function rootWithoutPrefix(): OptionNode {
  const path: readonly string[] = [];
  return new OptionNode(path, path);
}

/**
 * Builds the option tree from `modules` (in merge order). The options of
 * `internal` (the evaluation's internal module, whose declarations are all
 * under `_module`) are left pending until something looks at `_module`.
 */
export function buildOptionTree(modules: readonly CollectedModule[], prefix: OptionPath, internal?: object): OptionNode {
  const root = prefix.length === 0 ? rootWithoutPrefix() : new OptionNode([], prefix);
  for (const module of modules) {
    if (isPlaceholder(module.options)) throw dependsOnConfig(prefix, module.file, "options of the module at");
    if (typeof module.options !== "object" || module.options === null || Array.isArray(module.options)) {
      throw new InvalidModuleError(`The options of module \`${module.file}' must be an attribute set.`);
    }
    if (module.identity === internal && root.deferDeclarations(module.options, module.file)) continue;
    declareAll(module.options, root, module.file, module.calls);
  }
  checkNesting(root);
  return root;
}
