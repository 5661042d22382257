/**
 * Which definitions of a module function's first call can be used as they
 * are (see `module-calls.ts`), and whether a second call agrees with them.
 *
 * After the first call (made with placeholders for `config`), each definition —
 * a leaf of the module's config after properties are pushed down to the
 * options, with its chain of `mkIf`, `mkOverride` and `mkOrder` — is
 *
 * - **tainted** if its value holds a placeholder (searched through properties,
 *   plain objects and lists; `lazy()` values, getters, functions and class
 *   instances are not searched: they run later, when the placeholders they captured
 *   forward to the real config), or an enclosing `mkIf` condition is a placeholder
 *   or a plain value (in a module that touched a placeholder, a computed boolean is
 *   most likely computed from one: `mkIf(!cfg.enable, …)`, `mkIf(cfg.mode
 *   === "x", …)`; a function or `lazy()` condition runs later and is fine),
 *   or a priority is a placeholder. A placeholder that is the whole value at an option
 *   (`port: config.other.port`) is a lazy read of the real value, so it is
 *   clean — unless it stands for the result of a call (`pkgs.foo(…)`),
 *   which cannot be replayed.
 * - **clean** otherwise: it cannot have come from a placeholder, so it is the
 *   value the real call would give, and is used without a second call.
 *
 * Every definition of the module is tainted when its first call did
 * something a placeholder cannot answer faithfully: turned a placeholder into a
 * primitive, enumerated or iterated one (`${cfg.name}`, `cfg.port + 1`,
 * `{ ...cfg }`), asked whether it has an attribute (`"x" in cfg`), or read a
 * placeholder that went nowhere ({@link PlaceholderScope.escaped}: most likely a JS
 * condition, `cfg.flag ? a : b`). Those are told by the module's
 * {@link PlaceholderScope} once the search below has marked the placeholders it found.
 *
 * One JavaScript condition goes unseen: a placeholder used both in the result and
 * in a condition (`mkIf(cfg.enable, …)` and `port: cfg.enable ? 80 : 443`).
 * When the module's second call happens, the clean definitions that were
 * already used are compared with it ({@link sameDefinitionValue}), and a
 * difference is an error; if the second call never happens, the difference
 * goes unnoticed. Hence the advice: conditions on config go in `mkIf`.
 */
import { Lazy } from "../properties/lazy.js";
import { MkIf } from "../properties/mk-if.js";
import { MkMerge } from "../properties/mk-merge.js";
import { MkOrder } from "../properties/mk-order.js";
import { MkOverride } from "../properties/mk-override.js";
import { ownGetter } from "../properties/own-getter.js";
import { isPlaceholder, placePlaceholder } from "./placeholder.js";

/** How deep the search and the comparison go; deeper data counts as tainted (or as equal when compared). */
const MAX_DEPTH = 64;

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Whether a first-call definition value (below its option, properties
 * included) is tainted: it holds a placeholder, or an `mkIf` whose condition is
 * not trusted ({@link untrustedCondition}). Searches the whole value, marking
 * every placeholder it finds as placed (see {@link PlaceholderScope.escaped}).
 */
export function taintedValue(value: unknown, depth = 0): boolean {
  if (typeof value !== "object" && typeof value !== "function") return false;
  if (value === null) return false;
  if (isPlaceholder(value)) {
    placePlaceholder(value);
    return true;
  }
  if (typeof value === "function" || value instanceof Lazy) return false;
  if (depth > MAX_DEPTH) return true;
  if (value instanceof MkIf) {
    const untrusted = untrustedCondition(value.condition);
    return taintedValue(value.content, depth + 1) || untrusted;
  }
  if (value instanceof MkOverride || value instanceof MkOrder) {
    const untrusted = taintedValue(value.priority, depth + 1);
    return taintedValue(value.content, depth + 1) || untrusted;
  }
  if (value instanceof MkMerge) return anyTainted(value.contents, depth);
  if (Array.isArray(value)) return anyTainted(value, depth);
  if (!isPlainObject(value)) return false;
  let found = false;
  // `for … in` over a plain object visits the names `Object.keys` lists, in its order, without copying them into a new list.
  for (const name in value) {
    if (ownGetter(value, name) === undefined && taintedValue((value as Record<string, unknown>)[name], depth + 1)) found = true;
  }
  return found;
}

/**
 * Whether an `mkIf` condition of a first call makes the definitions below it
 * tainted: a placeholder (marked as placed), or a plain value, which the module
 * may have computed from one in a way no placeholder records (`!cfg.enable`).
 * A placeholder condition could be read later instead (it stands for the value at
 * its path), but tainting it makes the second call that catches a JS
 * conditional on the same value elsewhere in the module (`cfg.enable ? a : b`).
 */
export function untrustedCondition(condition: unknown): boolean {
  if (isPlaceholder(condition)) {
    placePlaceholder(condition as object);
    return true;
  }
  return typeof condition !== "function" && !(condition instanceof Lazy);
}

/** The classifier for the walk of a first call's result (a `DefinitionClassifier` of `pushDownProperties`). */
export const firstCallClassifier = {
  condition: untrustedCondition,
  value: (value: unknown): boolean => taintedValue(value),
  // A placeholder as the whole value is a lazy read of the real value, unless it stands for a call's result.
  wholePlaceholder: (placeholder: object): boolean => !placePlaceholder(placeholder),
} as const;

function anyTainted(values: readonly unknown[], depth: number): boolean {
  let found = false;
  for (const item of values) if (taintedValue(item, depth + 1)) found = true;
  return found;
}

function isDerivationLike(value: object): value is { drvPath: unknown } {
  return (value as { type?: unknown }).type === "derivation" && "drvPath" in value;
}

/**
 * Whether a clean first-call definition value matches the second call's
 * value at the same place: structurally for data and properties; derivations
 * by `drvPath`; functions by identity or, as the second call makes new
 * closures, by source text. A `lazy()` value of the first call stands for
 * what it computes: if it has been computed, that value is compared, else it
 * was not used and matches anything (two `lazy()` values match).
 */
export function sameDefinitionValue(first: unknown, second: unknown, depth = 0): boolean {
  if (Object.is(first, second)) return true;
  if (first instanceof Lazy) {
    if (second instanceof Lazy) return true;
    const settled = first.settled();
    return settled === undefined || sameDefinitionValue(settled.value, second, depth + 1);
  }
  if (typeof first === "function" && typeof second === "function") return Function.prototype.toString.call(first) === Function.prototype.toString.call(second);
  if (typeof first !== "object" || typeof second !== "object" || first === null || second === null) return false;
  if (depth > MAX_DEPTH) return true;
  if (Object.getPrototypeOf(first) !== Object.getPrototypeOf(second)) return false;
  if (first instanceof MkIf) return sameDefinitionValue(first.condition, (second as MkIf<unknown>).condition, depth + 1) && sameDefinitionValue(first.content, (second as MkIf<unknown>).content, depth + 1);
  if (first instanceof MkOverride || first instanceof MkOrder) {
    const other = second as MkOverride<unknown> | MkOrder<unknown>;
    return first.priority === other.priority && sameDefinitionValue(first.content, other.content, depth + 1);
  }
  if (first instanceof MkMerge) return sameList(first.contents, (second as MkMerge<unknown>).contents, depth);
  if (Array.isArray(first)) return sameList(first, second as unknown[], depth);
  if (isDerivationLike(first)) return isDerivationLike(second) && first.drvPath === second.drvPath;
  const firstKeys = Object.keys(first);
  const secondKeys = Object.keys(second);
  if (firstKeys.length !== secondKeys.length) return false;
  for (let index = 0; index < firstKeys.length; index++) {
    const key = firstKeys[index] as string;
    if (key !== secondKeys[index]) return false;
    // Own attributes of both (listed by `Object.keys`): their getters asked for without a property descriptor each.
    const getterA = ownGetter(first, key);
    const getterB = ownGetter(second, key);
    if (getterA !== undefined || getterB !== undefined) {
      if (getterA === undefined || getterB === undefined || !sameDefinitionValue(getterA, getterB, depth + 1)) return false;
    } else if (!sameDefinitionValue((first as Record<string, unknown>)[key], (second as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

function sameList(first: readonly unknown[], second: readonly unknown[], depth: number): boolean {
  if (first.length !== second.length) return false;
  for (let index = 0; index < first.length; index++) if (!sameDefinitionValue(first[index], second[index], depth + 1)) return false;
  return true;
}
