/**
 * Placeholders: the placeholder `config` a module function sees on its first call.
 *
 * To know which options a module declares and defines, the module system
 * must call the module function before any option can be merged (the
 * declarations make the option tree). In Nix that first look is lazy; in
 * JavaScript the function body runs at once, and a body that reads
 * `config.services.foo.enable` for an `mkIf` condition would need values
 * that do not exist yet. So the first call gets a placeholder instead: a Proxy
 * that answers every property read with another placeholder, so
 * `mkIf(config.services.foo.enable, { … })` builds a structure whose
 * condition is a placeholder. The structure (which paths a module declares and
 * defines) is what the first call is for; a placeholder is never used as a value:
 * it is replaced by the real value at its path, or the value is taken from
 * the module's second call (see `module-calls.ts`).
 *
 * A {@link PlaceholderScope} belongs to one module. It records whether the module
 * touched a placeholder at all (if not, its first result is final) and when a
 * placeholder was first turned into a primitive (a template string, arithmetic):
 * option declarations made after that may hold values silently derived from
 * placeholders (`default: \`${config.my.name}-host\``), so their values are
 * distrusted; declarations made before it (the usual `options` before
 * `config`) are not. For definitions (see `taint.ts`) it also tells whether
 * the module asked a placeholder about its attributes (`"x" in cfg`, answered with
 * a guess) and which placeholders it read but neither read further nor put in its
 * result: those it used itself, most likely in a JavaScript condition.
 *
 * Outside the scope's active windows (the first call and walks of its
 * result), a placeholder forwards to the real value at its path. Closures the first
 * call created — `lazy(() => cfg.port)`, `apply`, `mkIf(() => …)` — may run
 * long after that call and then read the real configuration, which is what
 * they mean.
 */
import { Lazy } from "../properties/lazy.js";
import { ownGetter } from "../properties/own-getter.js";
import { extendPath } from "../options/extend-path.js";

/** Where a placeholder's real value comes from, once the first call is over. */
interface PlaceholderOrigin {
  readonly scope: PlaceholderScope;
  /** The root's name, for the scope's cache. */
  readonly root: string;
  /** The real value of the placeholder's root (the config proxy, the options proxy, a module argument). */
  readonly base: () => unknown;
  /** Attribute names from the root; "()" marks a call, which cannot be forwarded. */
  readonly path: readonly string[];
  /** Whether an attribute of this placeholder was read (or it was called) while the scope was active. */
  read: boolean;
  /** Whether this placeholder was found in the module's result (a condition, a value, a declaration field). */
  placed: boolean;
}

/** Coercions of placeholders so far, in any scope: a clock for "made after a coercion". */
let coercions = 0;

/** Option declarations made after some coercion, with the clock's value then. */
const madeAt = new WeakMap<object, number>();

/** Records when an option declaration was made (called by `mkOption`). */
export function noteDeclarationMade(declaration: object): void {
  if (coercions > 0) madeAt.set(declaration, coercions);
}

/** Placeholder proxies and their Proxy targets, each to its origin. */
const origins = new WeakMap<object, PlaceholderOrigin>();

const CALL = "()";

/** Whether `value` is a placeholder. */
export function isPlaceholder(value: unknown): boolean {
  return (typeof value === "function" || typeof value === "object") && value !== null && origins.has(value);
}

/**
 * Records that the placeholder `value` was found in its module's result (see
 * {@link PlaceholderScope.escaped}); returns whether its real value can be read
 * later (false for the result of a call, which cannot be replayed).
 */
export function placePlaceholder(value: object): boolean {
  const origin = origins.get(value);
  if (origin === undefined) return true;
  origin.placed = true;
  return !origin.path.includes(CALL);
}

/** The real value a placeholder stands for, read now (outside the first call). */
export function realValueOfPlaceholder(value: unknown): unknown {
  const origin = (typeof value === "function" || typeof value === "object") && value !== null ? origins.get(value) : undefined;
  return origin === undefined ? value : realValueAt(origin);
}

/** The real value `placeholder` stands for, read on first use (see {@link lazyGetterCall} for why it is made here). */
export function lazyRealValue(placeholder: object): Lazy<unknown> {
  return new Lazy(() => realValueOfPlaceholder(placeholder));
}

function realValueAt(origin: PlaceholderOrigin): unknown {
  let value = origin.base();
  for (const name of origin.path) {
    if (name === CALL || value === null || value === undefined) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

/**
 * Whether `value` is a placeholder or holds one in a plain list or object (a few
 * levels deep; getters are not run). Functions and class instances are not
 * searched: their placeholders, if any, forward when used later.
 */
export function containsPlaceholder(value: unknown, depth = 4): boolean {
  if (isPlaceholder(value)) return true;
  if (depth === 0 || typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some((item) => containsPlaceholder(item, depth - 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const name of Object.keys(value)) {
    if (ownGetter(value, name) === undefined && containsPlaceholder((value as Record<string, unknown>)[name], depth - 1)) return true;
  }
  return false;
}

/**
 * `value` with every placeholder (in plain lists and objects, as {@link containsPlaceholder}
 * finds them) replaced by the real value it stands for, read now; `undefined`
 * if a placeholder stands for the result of a call, which cannot be replayed.
 */
export function resolvePlaceholders(value: unknown, depth = 4): { readonly value: unknown } | undefined {
  const origin = (typeof value === "function" || typeof value === "object") && value !== null ? origins.get(value) : undefined;
  if (origin !== undefined) return origin.path.includes(CALL) ? undefined : { value: realValueAt(origin) };
  if (depth === 0 || typeof value !== "object" || value === null || !containsPlaceholder(value, depth)) return { value };
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const resolved = resolvePlaceholders(item, depth - 1);
      if (resolved === undefined) return undefined;
      items.push(resolved.value);
    }
    return { value: items };
  }
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, name) as PropertyDescriptor;
    if (descriptor.get !== undefined) {
      Object.defineProperty(copy, name, descriptor);
      continue;
    }
    const resolved = resolvePlaceholders(descriptor.value, depth - 1);
    if (resolved === undefined) return undefined;
    copy[name] = resolved.value;
  }
  return { value: copy };
}

function primitiveOf(value: unknown, hint: string): unknown {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return value;
  return hint === "number" ? Number(value) : String(value);
}

/** The placeholders of one module, and what its code did with them. See the file comment. */
export class PlaceholderScope {
  /** Whether the module read, called, enumerated or coerced a placeholder, or asked for a `_module.args` argument. */
  touched = false;
  /** The coercion clock at this scope's first coercion (a placeholder turned into a primitive, enumerated or iterated). */
  #firstCoercion: number | undefined;
  /** Whether the module asked a placeholder whether it has an attribute (`"x" in cfg`), which is answered with a guess. */
  #guessed = false;
  /** The placeholders below the roots, in the order they were made. */
  readonly #made: PlaceholderOrigin[] = [];

  /** Records a coercion of one of this scope's placeholders. */
  noteCoercion(): void {
    coercions++;
    this.#firstCoercion ??= coercions;
  }

  /** Records that a question about a placeholder's attributes was answered with a guess. */
  noteGuess(): void {
    this.#guessed = true;
  }

  /** Whether a placeholder was turned into a primitive, enumerated or iterated (a template string, arithmetic, a spread). */
  get coerced(): boolean {
    return this.#firstCoercion !== undefined;
  }

  /** Whether the module asked a placeholder whether it has an attribute. */
  get guessed(): boolean {
    return this.#guessed;
  }

  /**
   * Whether a placeholder was read but went nowhere: no attribute of it was read,
   * and it is not in the module's result (call after the result has been
   * searched, see `taint.ts`). Such a placeholder was used by the module's own
   * code, most likely in a condition (`cfg.flag ? a : b`, `cfg.enable &&
   * …`, `lib.optional(cfg.enable, …)`), which a placeholder cannot answer.
   */
  escaped(): boolean {
    for (const origin of this.#made) if (!origin.read && !origin.placed) return true;
    return false;
  }

  /** Whether `declaration` was made after this scope first coerced a placeholder, so its values may come from one. */
  coercedBefore(declaration: object): boolean {
    return this.#firstCoercion !== undefined && (madeAt.get(declaration) ?? 0) >= this.#firstCoercion;
  }
  #active = 0;
  #cache: Map<string, object> | undefined;
  #config: object | undefined;

  /** Whether placeholders answer with placeholders now (rather than forwarding to real values). */
  get active(): boolean {
    return this.#active > 0;
  }

  /** Runs `body` with this scope's placeholders active (the first call, or a walk of its result). */
  run<T>(body: () => T): T {
    this.#active++;
    try {
      return body();
    } finally {
      this.#active--;
    }
  }

  /**
   * The placeholder standing for a whole module argument (`config`, `options`,
   * `pkgs`, …), whose real value is `base()`. A root is an object (`typeof
   * config === "object"`, as for the real one); what is read from it is
   * callable (`pkgs.writeText(…)`, `config.lib.foo(…)`).
   */
  root(name: string, base: () => unknown): object {
    return this.placeholder(name, base, []);
  }

  /** The placeholder at `path` below the root `root` (cached, so reading the same path twice gives the same object). */
  placeholder(root: string, base: () => unknown, path: readonly string[]): object {
    // Most modules only ever get the `config` root: keep it out of the map.
    if (root === "config" && path.length === 0) return (this.#config ??= makePlaceholder({ scope: this, root, base, path, read: false, placed: false }));
    const key = path.length === 0 ? root : `${root}\u0000${path.join("\u0000")}`;
    this.#cache ??= new Map();
    let placeholder = this.#cache.get(key);
    if (placeholder === undefined) {
      const origin: PlaceholderOrigin = { scope: this, root, base, path, read: false, placed: false };
      placeholder = makePlaceholder(origin);
      this.#cache.set(key, placeholder);
      if (path.length > 0) this.#made.push(origin);
    }
    return placeholder;
  }
}

function makePlaceholder(origin: PlaceholderOrigin): object {
  const target = origin.path.length === 0 ? {} : () => undefined;
  origins.set(target, origin);
  const placeholder = new Proxy(target, handler);
  origins.set(placeholder, origin);
  return placeholder;
}

function originOf(target: object): PlaceholderOrigin {
  return origins.get(target) as PlaceholderOrigin;
}

function child(origin: PlaceholderOrigin, name: string): object {
  origin.read = true;
  return origin.scope.placeholder(origin.root, origin.base, extendPath(origin.path, name));
}

function touch(origin: PlaceholderOrigin, coerced: boolean): void {
  origin.scope.touched = true;
  if (coerced) origin.scope.noteCoercion();
}

function realObject(origin: PlaceholderOrigin): object | undefined {
  const value = realValueAt(origin);
  return (typeof value === "object" || typeof value === "function") && value !== null ? value : undefined;
}

/** One handler for all placeholders; the target identifies the placeholder. */
const handler: ProxyHandler<object> = {
  get: (target, name) => {
    const origin = originOf(target);
    if (!origin.scope.active) return forwardGet(origin, name);
    if (name === Symbol.toPrimitive) {
      touch(origin, true);
      return (hint: string) => (hint === "number" ? 0 : "");
    }
    if (name === Symbol.iterator) {
      touch(origin, true);
      return function* empty(): Generator<never> {};
    }
    // Not a thenable: `await config.x` must not hang or call a placeholder.
    if (typeof name === "symbol" || name === "then") return undefined;
    touch(origin, false);
    if (name === "toJSON") return () => (touch(origin, true), null);
    if (name === "toString") return () => (touch(origin, true), "");
    if (name === "valueOf") return () => (touch(origin, true), 0);
    return child(origin, name);
  },
  apply: (target, thisArgument, args) => {
    const origin = originOf(target);
    if (!origin.scope.active) return Reflect.apply(realValueAt(origin) as (...args: unknown[]) => unknown, thisArgument, args);
    touch(origin, false);
    return child(origin, CALL);
  },
  has: (target, name) => {
    const origin = originOf(target);
    if (!origin.scope.active) {
      const value = realObject(origin);
      return value !== undefined && name in value;
    }
    touch(origin, false);
    origin.scope.noteGuess();
    // Guess "present": structure built on a missing attribute would be smaller than the real one.
    return typeof name === "string";
  },
  ownKeys: (target) => {
    const origin = originOf(target);
    if (!origin.scope.active) {
      const value = realObject(origin);
      return value === undefined ? [] : Reflect.ownKeys(value);
    }
    touch(origin, true);
    return [];
  },
  getOwnPropertyDescriptor: (target, name) => {
    const origin = originOf(target);
    if (!origin.scope.active) {
      const value = realObject(origin);
      const descriptor = value === undefined ? undefined : Reflect.getOwnPropertyDescriptor(value, name);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    }
    touch(origin, false);
    origin.scope.noteGuess();
    return undefined;
  },
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
};

function forwardGet(origin: PlaceholderOrigin, name: string | symbol): unknown {
  if (name === Symbol.toPrimitive) return (hint: string) => primitiveOf(realValueAt(origin), hint);
  const value = realValueAt(origin);
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "object" && typeof value !== "function") {
    if (name === "valueOf") return () => value;
    if (name === "toString") return () => String(value);
  }
  return Reflect.get(Object(value) as object, name);
}
