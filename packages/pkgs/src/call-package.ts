/**
 * `callPackage`: calls a package function with the package set, as
 * nixpkgs' `callPackage`, and makes the result overridable.
 *
 * Nix passes a function exactly the arguments its parameter names; JavaScript
 * cannot read parameter names reliably, so the function gets a view of the
 * whole set (the overrides first) and its destructuring picks what it
 * needs: `({ stdenv, zlib }) => stdenv.mkDerivation({ … })`. The view is
 * lazy, so only what the function reads is evaluated. The result's
 * `override({ zlib: myZlib })` (or `override((args) => ({ … }))`) calls the
 * function again with those arguments changed; `overrideArgs` records the
 * overrides so far. `overrideAttrs` on the result keeps `override` working.
 */
import { isDerivation } from "@kiln/formats";
import { isPackage, withOverride } from "./stdenv/make-derivation.js";

/** What `override` accepts: new arguments, or a function of the current ones. */
export type ArgsUpdate<Args> = Partial<Args> | ((args: Args) => Partial<Args>);

/** What `callPackage` adds to an object result. */
export interface Overridable<Result, Args> {
  /** The result of calling the function again with some arguments changed. */
  override(update: ArgsUpdate<Args>): WithOverride<Result, Args>;
  /** The arguments overridden so far (not the whole package set). */
  readonly overrideArgs: Partial<Args>;
}

/** `callPackage`'s result: an object result becomes overridable; other values stay as they are. */
export type WithOverride<Result, Args> = Result extends object ? (Result extends (...args: never[]) => unknown ? Result : Result & Overridable<Result, Args>) : Result;

/**
 * The target of an arguments view: the set and the overrides, which the one
 * handler below reads, so that a call makes one object and one proxy, not a
 * handler and closures of its own.
 */
class ArgumentsTarget {
  constructor(
    readonly set: object,
    readonly overrides: Readonly<Record<PropertyKey, unknown>>,
  ) {}

  isOverridden(key: PropertyKey): boolean {
    return Object.prototype.hasOwnProperty.call(this.overrides, key);
  }

  read(key: PropertyKey): unknown {
    return this.isOverridden(key) ? this.overrides[key] : Reflect.get(this.set, key);
  }

  has(key: PropertyKey): boolean {
    return this.isOverridden(key) || Reflect.has(this.set, key);
  }
}

/** How every arguments view reads its target (which itself shows nothing of its own). */
const argumentsHandler: ProxyHandler<ArgumentsTarget> = {
  get: (target, key) => target.read(key),
  has: (target, key) => target.has(key),
  ownKeys: (target) => [...new Set([...Reflect.ownKeys(target.set), ...Reflect.ownKeys(target.overrides)])],
  getOwnPropertyDescriptor: (target, key) => (target.has(key) ? { enumerable: true, configurable: true, get: () => target.read(key) } : undefined),
  getPrototypeOf: () => null,
};

/** The arguments a package function receives: the set, with `overrides` taking precedence, read lazily. */
function argumentsView<Args extends object>(set: object, overrides: Partial<Args>): Args {
  return new Proxy(new ArgumentsTarget(set, overrides as Readonly<Record<PropertyKey, unknown>>), argumentsHandler) as unknown as Args;
}

/** Adds `override` and `overrideArgs` to `result` (a copy: the function's own value is not changed). */
function makeOverridable<Result, Args extends object>(result: Result, overrides: Partial<Args>, override: (update: object) => object): WithOverride<Result, Args> {
  if (typeof result !== "object" || result === null) return result as WithOverride<Result, Args>;
  if (isPackage(result)) {
    const pkg = withOverride(result, override);
    Object.defineProperty(pkg, "overrideArgs", { value: overrides });
    return pkg as unknown as WithOverride<Result, Args>;
  }
  // A copy with the same prototype, so that it stays what it was. A derivation's own
  // properties are plain data; copying them is much cheaper than putting an object on
  // top of it, which gives every package its own hidden class in V8 (slow to make and to read).
  const prototype = Object.getPrototypeOf(result) as object | null;
  const wrapped: object = isDerivation(result) ? Object.assign(Object.create(prototype) as object, result) : Object.create(prototype, Object.getOwnPropertyDescriptors(result));
  // One property at a time: `Object.defineProperties` makes a slower object.
  Object.defineProperty(wrapped, "override", { value: override });
  Object.defineProperty(wrapped, "overrideArgs", { value: overrides });
  return wrapped as WithOverride<Result, Args>;
}

/** The signature of a package set's `callPackage`. */
export type CallPackage<Set extends object> = <Args extends object, Result>(fn: (args: Args & Set) => Result, overrides?: Partial<Args & Set>) => WithOverride<Result, Args & Set>;

/**
 * Calls `fn` with `set` (and `overrides` over it), and makes the result
 * overridable (nixpkgs' `callPackageWith`).
 *
 * @example
 * const greeter = callPackageWith(pkgs, ({ stdenv, greeting = "Hello" }) => stdenv.mkDerivation({ … }));
 * greeter.override({ greeting: "Hi" });
 */
export function callPackageWith<Set extends object, Args extends object, Result>(set: Set, fn: (args: Args) => Result, overrides: Partial<Args> = {}): WithOverride<Result, Args> {
  const result = fn(argumentsView<Args>(set, overrides));
  // `override` itself, not a wrapper around it: one closure per call.
  return makeOverridable<Result, Args>(result, overrides, (update: object): object => {
    const changed = typeof update === "function" ? (update as (args: Args) => Partial<Args>)(argumentsView<Args>(set, overrides)) : update;
    return callPackageWith(set, fn, { ...overrides, ...changed }) as object;
  });
}
