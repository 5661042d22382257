/**
 * Pushing properties down to options (nixpkgs' `pushDownProperties`).
 *
 * A module's config is a tree; the options are somewhere inside it.
 * `mkIf c { a = 1; b.c = 2; }` at a level above the options becomes
 * `a = mkIf c 1; b.c = mkIf c 2;`, and `mkMerge` splits into its parts, so
 * every definition reaches its option carrying its conditions and
 * priorities, and no condition is evaluated to find out *which* options a
 * module defines. Getters (and `lazy()` values) above the options must be run
 * to see the structure; at an option they stay unevaluated (the definition
 * becomes `lazy`).
 *
 * A value at an option may be a placeholder from a module function's first
 * call (`{ port: config.other.port }` in a module object that function
 * imports): it becomes a lazy read of the real value it stands for.
 *
 * The walk of a module function's first result also classifies each
 * definition as clean or tainted, with the classifier the placeholder
 * machinery passes in (see `placeholder/taint.ts`).
 *
 * The walk knows the option tree only through {@link PushDownNode}, so this
 * step sits below the evaluator that builds the tree.
 */
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import { showOption } from "../options/show-option.js";
import { forceLazy, lazyGetterCall } from "../properties/lazy.js";
import { MkIf } from "../properties/mk-if.js";
import { MkMerge } from "../properties/mk-merge.js";
import { MkOrder } from "../properties/mk-order.js";
import { MkOverride } from "../properties/mk-override.js";
import { ownGetter } from "../properties/own-getter.js";
import { isPlaceholder, lazyRealValue } from "../placeholder/index.js";
import { extendPath } from "../options/extend-path.js";

/** What the walk needs of a node of the option tree. */
export interface PushDownNode<Node extends PushDownNode<Node>> {
  /** The node's path relative to the evaluation root. */
  readonly path: readonly string[];
  /** The node's full path, for messages. */
  readonly loc: readonly string[];
  /** Whether an option is declared here (the walk stops). */
  readonly isOption: boolean;
  /** The node below named `name`, if there is one. */
  childNamed(name: string): Node | undefined;
}

/** Tells which definitions of a module function's first call are tainted (see `placeholder/taint.ts`). */
export interface DefinitionClassifier {
  /** Whether an `mkIf` condition taints the definitions below it. */
  condition(condition: unknown): boolean;
  /** Whether a value (a definition, or a priority) is tainted. */
  value(value: unknown): boolean;
  /** Whether a placeholder that is a whole definition value is tainted (it cannot be read later). */
  wholePlaceholder(placeholder: object): boolean;
}

/** Receives what the walk finds. */
export interface DefinitionSink<Node> {
  /** A definition for the option at `node`; `tainted` is false unless the walk classifies. */
  definition(node: Node, value: unknown, tainted: boolean): void;
  /** A definition below no declared option, at `path` (relative to the evaluation root). */
  unmatched(path: readonly string[], value: unknown, tainted: boolean): void;
}

/** A property met on the way down, to be wrapped around each definition below it. */
type Wrapper = MkIf<unknown> | MkOverride<unknown> | MkOrder<unknown>;

/** The state of one walk. */
interface Walk<Node> {
  readonly file: string;
  readonly sink: DefinitionSink<Node>;
  /** The classifier, in the walk of a first call's result. */
  readonly classify: DefinitionClassifier | undefined;
  /** The properties above the current position, outermost first. */
  readonly wrappers: Wrapper[];
  /** How many of them taint the definitions below. */
  tainting: number;
}

function isPlainAttrs(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  return typeof value;
}

/** `value` wrapped in the properties met on the way down (new objects: a property applies to each definition separately). */
function rewrap(wrappers: readonly Wrapper[], value: unknown): unknown {
  let wrapped = value;
  for (let index = wrappers.length - 1; index >= 0; index--) {
    const wrapper = wrappers[index] as Wrapper;
    if (wrapper instanceof MkIf) wrapped = new MkIf(wrapper.condition, wrapped);
    else if (wrapper instanceof MkOverride) wrapped = new MkOverride(wrapper.priority, wrapped);
    else wrapped = new MkOrder(wrapper.priority, wrapped);
  }
  return wrapped;
}

/**
 * Walks one config value at `node` (a prefix, not an option), reporting
 * definitions to `sink`; with `classify`, each is reported clean or tainted.
 */
export function pushDownProperties<Node extends PushDownNode<Node>>(value: unknown, node: Node, file: string, sink: DefinitionSink<Node>, excluded?: ReadonlySet<string>, classify?: DefinitionClassifier): void {
  pushDown({ file, sink, classify, wrappers: [], tainting: 0 }, value, node, excluded);
}

function pushDownWrapped<Node extends PushDownNode<Node>>(walk: Walk<Node>, wrapper: Wrapper, tainting: boolean, node: Node, excluded: ReadonlySet<string> | undefined): void {
  // An exception abandons the whole walk, so there is nothing to restore then.
  walk.wrappers.push(wrapper);
  if (tainting) walk.tainting++;
  pushDown(walk, wrapper.content, node, excluded);
  walk.wrappers.pop();
  if (tainting) walk.tainting--;
}

function pushDown<Node extends PushDownNode<Node>>(walk: Walk<Node>, value: unknown, node: Node, excluded: ReadonlySet<string> | undefined): void {
  const forced = forceLazy(value);
  if (forced instanceof MkMerge) {
    for (const content of forced.contents) pushDown(walk, content, node, excluded);
    return;
  }
  if (forced instanceof MkIf) {
    pushDownWrapped(walk, forced, walk.classify !== undefined && walk.classify.condition(forced.condition), node, excluded);
    return;
  }
  if (forced instanceof MkOverride || forced instanceof MkOrder) {
    pushDownWrapped(walk, forced, walk.classify !== undefined && walk.classify.value(forced.priority), node, excluded);
    return;
  }
  if (!isPlainAttrs(forced)) {
    const where = node.loc.length === 0 ? "the configuration root" : `the option\n\`${showOption(node.loc)}'`;
    throw new InvalidModuleError(
      `In module \`${walk.file}', you're trying to define a value of type \`${describeKind(forced)}'\nrather than an attribute set for ${where}!\n\nThis usually happens if \`${showOption(node.loc)}' has option\ndefinitions inside that are not matched. Please check how to properly define\nthis option.`,
    );
  }
  // Plain objects (nearly every config) are walked with `for … in`, which reads V8's cache of the object's names where
  // `Object.keys` would copy it into a new list, for every object of every module walked. It visits the same names in the
  // same order when the object's prototype has no enumerable attributes (`Object.prototype`, `null`).
  const prototype = Object.getPrototypeOf(forced) as unknown;
  if (prototype === Object.prototype || prototype === null) {
    for (const name in forced) pushDownAttribute(walk, forced, name, node, excluded);
  } else {
    for (const name of Object.keys(forced)) pushDownAttribute(walk, forced, name, node, excluded);
  }
}

/** The attribute `name` of the config object `forced` at `node`: a prefix walked into, or a definition. */
function pushDownAttribute<Node extends PushDownNode<Node>>(walk: Walk<Node>, forced: object, name: string, node: Node, excluded: ReadonlySet<string> | undefined): void {
  if (excluded?.has(name) === true) return;
  const getter = ownGetter(forced, name);
  const child = node.childNamed(name);
  if (child !== undefined && !child.isOption) {
    pushDown(walk, getter === undefined ? (forced as Record<string, unknown>)[name] : getter.call(forced), child, undefined);
    return;
  }
  const raw: unknown = getter === undefined ? (forced as Record<string, unknown>)[name] : undefined;
  let leaf: unknown = raw;
  let tainted = false;
  if (getter !== undefined) leaf = lazyGetterCall(forced, getter);
  else if (child !== undefined && isPlaceholder(raw)) {
    // A placeholder as the whole value: a lazy read of the real value (unless it stands for a call's result).
    leaf = lazyRealValue(raw as object);
    tainted = walk.classify !== undefined && walk.classify.wholePlaceholder(raw as object);
  } else if (walk.classify !== undefined) tainted = walk.classify.value(raw);
  if (walk.tainting > 0) tainted = true;
  const wrapped = walk.wrappers.length === 0 ? leaf : rewrap(walk.wrappers, leaf);
  if (child !== undefined) walk.sink.definition(child, wrapped, tainted);
  else walk.sink.unmatched(extendPath(node.path, name), wrapped, tainted);
}
