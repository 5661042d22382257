/**
 * `lazy(() => value)`: a definition value computed on first use.
 *
 * Nix is lazy everywhere; JavaScript is not. A module function's body runs
 * whole when the module's values are needed, so a definition computed
 * eagerly from an option that the same module defines (or that needs this
 * module's definitions to be merged) is a cycle. `port: lazy(() =>
 * config.a.port + 1)` breaks it: the thunk runs once, when the defined option
 * is merged, and may itself return `mkIf`/`mkMerge`/… properties. JavaScript
 * getters in config objects are treated the same way. An option's `default`
 * may be `lazy(…)` too.
 */

/** A definition value computed on first use. Created by {@link lazy}. */
export class Lazy<out T> {
  /** Marks the value for the module system, like Nix's `_type` attributes. */
  readonly _type = "lazy" as const;
  #thunk: (() => T) | undefined;
  #value: T | undefined;
  #forcing = false;

  /** Wraps `thunk`; prefer {@link lazy}. */
  constructor(thunk: () => T) {
    this.#thunk = thunk;
  }

  /** Runs the thunk on the first call and returns its memoised result afterwards. */
  force(): T {
    const thunk = this.#thunk;
    if (thunk === undefined) return this.#value as T;
    if (this.#forcing) throw new LazyCycleError();
    this.#forcing = true;
    try {
      const value = thunk();
      this.#value = value;
      this.#thunk = undefined;
      return value;
    } finally {
      this.#forcing = false;
    }
  }

  /** The value, if the thunk has run; `undefined` otherwise (it is not run). */
  settled(): { readonly value: T } | undefined {
    return this.#thunk === undefined ? { value: this.#value as T } : undefined;
  }
}

/**
 * The value of the getter `getter` of `object`, read on first use (a getter in a definition stands for a lazy value).
 * Made here rather than where the walks of definitions meet a getter: a closure made there would have V8 allocate that
 * code's variables in a context object for every attribute walked, getter or not.
 */
export function lazyGetterCall(object: object, getter: () => unknown): Lazy<unknown> {
  return new Lazy(() => getter.call(object));
}

/** Internal signal: a lazy value needed itself; turned into an InfiniteRecursionError by the evaluator. */
export class LazyCycleError extends Error {
  override name = "LazyCycleError";
  constructor() {
    super("infinite recursion encountered while evaluating a lazy() definition value");
  }
}

/** A definition value evaluated on first read (NixOS gets this for free from Nix's laziness). */
export function lazy<T>(thunk: () => T): Lazy<T> {
  return new Lazy(thunk);
}

/** Whether `value` was made by {@link lazy}. */
export function isLazy(value: unknown): value is Lazy<unknown> {
  return value instanceof Lazy;
}

/** Forces `value` if it is lazy, repeatedly (a thunk may return another lazy value). */
export function forceLazy(value: unknown): unknown {
  let current = value;
  while (current instanceof Lazy) current = current.force();
  return current;
}
