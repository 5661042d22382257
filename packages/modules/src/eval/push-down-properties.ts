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
 */
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import { showOption } from "../options/show-option.js";
import { Lazy, forceLazy } from "../properties/lazy.js";
import { MkIf } from "../properties/mk-if.js";
import { MkMerge } from "../properties/mk-merge.js";
import { MkOrder } from "../properties/mk-order.js";
import { MkOverride } from "../properties/mk-override.js";
import { isGhost, realValueOfGhost } from "./ghost.js";
import type { OptionNode } from "./option-tree.js";

/** Wraps a definition value in the properties met on the way down. */
type Wrap = (value: unknown) => unknown;

const identity: Wrap = (value) => value;

/** Receives what the walk finds. */
export interface DefinitionSink {
  /** A definition for the option at `node`. */
  definition(node: OptionNode, value: unknown): void;
  /** A definition below no declared option, at `path` (relative to the evaluation root). */
  unmatched(path: readonly string[], value: unknown): void;
}

function isPlainAttrs(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  return typeof value;
}

/** Walks one config value at `node` (a prefix, not an option), reporting definitions to `sink`. */
export function pushDownProperties(value: unknown, node: OptionNode, file: string, sink: DefinitionSink, excluded?: ReadonlySet<string>, wrap: Wrap = identity): void {
  const forced = forceLazy(value);
  if (forced instanceof MkMerge) {
    for (const content of forced.contents) pushDownProperties(content, node, file, sink, excluded, wrap);
    return;
  }
  if (forced instanceof MkIf) {
    pushDownProperties(forced.content, node, file, sink, excluded, (inner) => wrap(new MkIf(forced.condition, inner)));
    return;
  }
  if (forced instanceof MkOverride) {
    pushDownProperties(forced.content, node, file, sink, excluded, (inner) => wrap(new MkOverride(forced.priority, inner)));
    return;
  }
  if (forced instanceof MkOrder) {
    pushDownProperties(forced.content, node, file, sink, excluded, (inner) => wrap(new MkOrder(forced.priority, inner)));
    return;
  }
  if (!isPlainAttrs(forced)) {
    const where = node.loc.length === 0 ? "the configuration root" : `the option\n\`${showOption(node.loc)}'`;
    throw new InvalidModuleError(
      `In module \`${file}', you're trying to define a value of type \`${describeKind(forced)}'\nrather than an attribute set for ${where}!\n\nThis usually happens if \`${showOption(node.loc)}' has option\ndefinitions inside that are not matched. Please check how to properly define\nthis option.`,
    );
  }
  for (const name of Object.keys(forced)) {
    if (excluded?.has(name) === true) continue;
    const descriptor = Object.getOwnPropertyDescriptor(forced, name);
    if (descriptor === undefined) continue;
    const getter = descriptor.get;
    const child = node.children.get(name);
    if (child !== undefined && child.isOption) {
      const value: unknown = descriptor.value;
      sink.definition(child, wrap(getter !== undefined ? new Lazy(() => getter.call(forced)) : isGhost(value) ? new Lazy(() => realValueOfGhost(value)) : value));
    } else if (child !== undefined) {
      pushDownProperties(getter === undefined ? descriptor.value : getter.call(forced), child, file, sink, undefined, wrap);
    } else {
      sink.unmatched([...node.path, name], wrap(getter === undefined ? descriptor.value : new Lazy(() => getter.call(forced))));
    }
  }
}
