/**
 * The definitions of one module function that touched a placeholder, as the
 * definition index keeps them: the first call's (its structure, and the
 * values of its clean definitions, see `taint.ts`) until the second call's
 * are taken, and the check that the second call agrees with what was
 * already handed out.
 *
 * Clean definitions are final, tainted ones wait for the second call (see
 * `module-calls.ts`). An `attrsOf`, `lazyAttrsOf` or `submodule` option that
 * the first call defined with one plain object may be handed out attribute
 * by attribute before the second call ({@link DeferredDefinitions.presentable}).
 * When the second call comes, a clean definition already used that differs,
 * an option it newly defines that was already merged, or a handed-out
 * object whose attribute names changed, is a
 * {@link ConfigDependentStructureError}: values already in use may be
 * wrong, so the evaluation fails from then on.
 */
import { ConfigDependentStructureError } from "../errors/config-dependent-structure-error.js";
import { showOption } from "../options/show-option.js";
import { sameDefinitionValue } from "./taint.js";

const NONE: readonly unknown[] = [];

/**
 * What walking one module's config found: its definitions in the order
 * found, each with its option node. Two lists rather than a map by option:
 * a module function defines a few dozen options at most, searched in a few
 * steps, and a map (with its growth) for every module function that touched a
 * placeholder was a good part of what an evaluation allocated.
 */
export class FoundDefinitions<Node> {
  /** The option of each definition, in the order found (an option defined twice is listed twice). */
  readonly nodes: Node[] = [];
  /** The value of each definition, at its option's position in {@link nodes}. */
  readonly values: unknown[] = [];
  /** Definitions below no declared option. */
  readonly unmatched: Array<{ readonly path: readonly string[]; readonly value: unknown }> = [];
  /** Options with a tainted definition (when the walk classified, see `taint.ts`); few or none. */
  #tainted: Node[] | undefined;
  /** Whether a definition without an option is tainted. */
  unmatchedTainted = false;

  /** Records a definition of `node`; `tainted` if the walk found it tainted. */
  add(node: Node, value: unknown, tainted: boolean): void {
    this.nodes.push(node);
    this.values.push(value);
    if (tainted && !this.isTainted(node)) (this.#tainted ??= []).push(node);
  }

  /** Whether some definition of `node` was found. */
  defines(node: Node): boolean {
    return this.nodes.includes(node);
  }

  /** Whether some definition of `node` is tainted. */
  isTainted(node: Node): boolean {
    return this.#tainted !== undefined && this.#tainted.includes(node);
  }

  /** The options defined, each once, in the order first found. */
  options(): Node[] {
    const nodes = this.nodes;
    const options: Node[] = [];
    for (let index = 0; index < nodes.length; index++) {
      const node = nodes[index] as Node;
      if (nodes.indexOf(node) === index) options.push(node);
    }
    return options;
  }

  /** The values of the definitions of `node`, in order (none if there is no such definition). */
  valuesAt(node: Node): readonly unknown[] {
    const nodes = this.nodes;
    let first = nodes.indexOf(node);
    if (first === -1) return NONE;
    const values = [this.values[first]];
    for (first++; first < nodes.length; first++) if (nodes[first] === node) values.push(this.values[first]);
    return values;
  }
}

/** The definitions of `node` in `found`, in order (none if it defines no such option). */
export function definitionsAt<Node>(found: FoundDefinitions<Node>, node: Node): readonly unknown[] {
  return found.valuesAt(node);
}

/** What is needed of an option node (the evaluator's `OptionNode` is one). */
export interface DeferredNode {
  /** The path relative to the evaluation root. */
  readonly path: readonly string[];
  /** The merged declaration: its type's name tells whether attributes can be handed out one by one. */
  readonly record: { readonly type: { readonly name: string } };
}

/** What is needed of the module's calls. */
interface Calls {
  /** Records that the calls disagree; returns the error for throwing. */
  fail(error: unknown): unknown;
}

/** What the index tells when a second call's definitions are checked. */
export interface SecondCallCheck<Node> {
  /** The evaluation root's path, for messages. */
  readonly loc: readonly string[];
  /** Whether an option was already merged: its set of definitions is fixed. */
  handedOut(node: Node): boolean;
  /** Whether definitions without an option were already checked. */
  readonly unmatchedConsumed: boolean;
}

/** Option types whose definitions can be handed out attribute by attribute. */
const KEYED_TYPES = new Set(["attrsOf", "lazyAttrsOf", "submodule"]);

function isPlainObject(value: unknown): value is object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function pathKey(path: readonly string[]): string {
  return path.join("\u0000");
}

/** Whether a module's clean first-call definitions of an option match its second call's. */
function sameDefinitions(first: readonly unknown[], second: readonly unknown[]): boolean {
  return first.length === second.length && first.every((value, index) => sameDefinitionValue(value, second[index]));
}

/** A module function that touched a placeholder: its clean definitions are final, the others wait for its second call. */
export class DeferredDefinitions<Module extends { readonly file: string }, Node extends DeferredNode, ModuleCalls extends Calls> {
  readonly module: Module;
  readonly calls: ModuleCalls;
  readonly order: number;
  /**
   * The module's definitions: the first call's (the structure, and the values
   * of clean definitions) until the second call's are taken ({@link take}).
   */
  found: FoundDefinitions<Node>;
  /** Whether {@link found} holds the second call's definitions. */
  materialized = false;
  /** Whether every definition of the first call is tainted (see `taint.ts`). */
  readonly allTainted: boolean;
  reconciling = false;
  /** Attribute-wise stand-ins handed out before the second call (see the file comment). */
  presented: Map<Node, { readonly keys: readonly string[]; readonly object: object }> | undefined;
  /** Options whose clean first-call definitions were handed out: the second call, if it comes, must agree. */
  used: Set<Node> | undefined;
  /** Whether the first call's definitions without an option were handed out. */
  unmatchedUsed = false;

  /** The first call's definitions of `module`, in merge position `order`. */
  constructor(module: Module, calls: ModuleCalls, order: number, first: FoundDefinitions<Node>, allTainted: boolean) {
    this.module = module;
    this.calls = calls;
    this.order = order;
    this.found = first;
    this.allTainted = allTainted;
  }

  /** Whether the first-call definitions of `node` are all clean, so they are final (before the second call's are taken). */
  isClean(node: Node): boolean {
    return !this.allTainted && !this.found.isTainted(node) && this.found.defines(node);
  }

  /** Whether the definition of `node` can be handed out attribute by attribute before the second call. */
  presentable(node: Node): boolean {
    const values = definitionsAt(this.found, node);
    return values.length === 1 && isPlainObject(values[0]) && KEYED_TYPES.has(node.record.type.name);
  }

  /** Throws if the second call's definitions (`found`) differ from what was handed out of the first's. */
  checkSecond(found: FoundDefinitions<Node>, check: SecondCallCheck<Node>): void {
    const first = this.found;
    for (const node of this.used ?? []) {
      if (!sameDefinitions(definitionsAt(first, node), definitionsAt(found, node))) throw this.#valueDrift(check, node.path, "gives @ a different definition");
    }
    if (this.unmatchedUsed) {
      const before = first.unmatched;
      const after = found.unmatched;
      const index = before.findIndex((entry, at) => {
        const other = after[at];
        return other === undefined || pathKey(other.path) !== pathKey(entry.path) || !sameDefinitionValue(entry.value, other.value);
      });
      if (index !== -1 || after.length !== before.length) throw this.#valueDrift(check, (before[index] ?? after[before.length])?.path ?? [], "defines @ (which has no declared option) differently");
    }
    for (const node of found.options()) {
      if (!first.defines(node) && check.handedOut(node)) throw this.#drift(check, node.path, "defines @ only when called with the real config, and @ was already evaluated without that definition");
    }
    for (const [node, presented] of this.presented ?? []) {
      const values = definitionsAt(found, node);
      const value = values.length === 1 ? values[0] : undefined;
      const keys = isPlainObject(value) ? Object.keys(value) : undefined;
      if (keys === undefined || keys.length !== presented.keys.length || keys.some((key, index) => presented.keys[index] !== key)) {
        throw this.#drift(check, node.path, "defines different attributes of @ when called with the real config than with a placeholder, and @ was already evaluated");
      }
    }
    if (check.unmatchedConsumed) {
      const before = new Set(first.unmatched.map(({ path }) => pathKey(path)));
      const after = new Set(found.unmatched.map(({ path }) => pathKey(path)));
      const changed = found.unmatched.find(({ path }) => !before.has(pathKey(path))) ?? first.unmatched.find(({ path }) => !after.has(pathKey(path)));
      if (changed !== undefined) throw this.#drift(check, changed.path, "defines @ (which has no declared option) in only one of its two calls, after definitions without options were already checked");
    }
  }

  /** Takes the second call's definitions (checked by {@link checkSecond}). */
  take(found: FoundDefinitions<Node>): void {
    this.found = found;
    this.materialized = true;
    this.used = undefined;
    this.presented = undefined;
  }

  /** The error for a second call that defines other options than the first said; the evaluation fails from now on (values already handed out missed it). */
  #drift(check: SecondCallCheck<Node>, path: readonly string[], what: string): unknown {
    const loc = [...check.loc, ...path];
    const error = new ConfigDependentStructureError(
      `Module \`${this.module.file}' ${what.replaceAll("@", `\`${showOption(loc)}'`)}. The set of options a module defines must not depend on config values: it is read from a first call with a placeholder config. Use \`mkIf(cfg.enable, { … })\` rather than \`cfg.enable ? { … } : {}\` (or \`&&\`, \`if\`).`,
      this.module.file,
      loc,
    );
    return this.calls.fail(error);
  }

  /** The error for a clean definition that was used but differs in the second call; the evaluation fails from now on. */
  #valueDrift(check: SecondCallCheck<Node>, path: readonly string[], what: string): unknown {
    const loc = [...check.loc, ...path];
    const shown = `\`${showOption(loc)}'`;
    const error = new ConfigDependentStructureError(
      `Module \`${this.module.file}' ${what.replaceAll("@", shown)} when called with the real config than when called with a placeholder config, and the definition from the placeholder call was already used. The value depends on config through JavaScript control flow (\`cfg.x ? a : b\`, \`&&\`, \`if\`), which the placeholder cannot see. Write the condition with \`mkIf(cfg.x, …)\`, or compute the value in \`lazy(() => …)\`.`,
      this.module.file,
      loc,
    );
    return this.calls.fail(error);
  }
}
