/**
 * The lazy fixpoint of layers, behind both `finalAttrs` (mkDerivation and
 * its `overrideAttrs` layers) and package sets (the base and its overlays):
 * nixpkgs' `lib.fix` of `lib.extends`, for a language that is not lazy.
 *
 * Each layer is a function `(final, prev) => ({ … })`. `final.x` looks
 * through the layers from the last one down; a layer runs the first time a
 * lookup reaches it (and only once), and an attribute defined by a getter
 * (`get src() { … }`) is evaluated the first time it is read (and only
 * once). So nothing is computed until it is needed, as in Nix.
 *
 * What JavaScript cannot do is hand a layer the final value of an attribute
 * while that same layer is still running and about to define it, since an
 * object literal evaluates all its values at once. A lookup that reaches a
 * layer still running passes over it; if that layer then turns out to
 * define what was looked up, the value seen was not the final one. The
 * layer then runs again, seeing its previous result as its own attributes
 * (`finalAttrs.version` in the `src` of the layer that sets `version`, as
 * nixpkgs packages are written), until what it read equals what it
 * defines: Nix's lazy fixpoint, computed by iteration. Only a real cycle
 * (`version: finalAttrs.version + "x"`) never settles, and a
 * {@link FixpointError} says so. Every other read, eager or not, gives the
 * final value.
 *
 * Reads go as deep as memory allows: getters and layers record themselves
 * in `deep-evaluation.ts`, which takes over when the call stack overflows.
 */
import { evaluateDeep, finishEvaluation, isOutermost, startEvaluation, type GetterEntry } from "./deep-evaluation.js";
import { FixpointError } from "./errors.js";

/** One layer: what it defines, given the final result and the result of the layers below. */
export interface FixpointLayer {
  readonly apply: (final: object, prev: object) => object;
  /** How messages name it, e.g. `overlay 2`. */
  readonly label: string;
}

/** How a fixpoint presents itself. */
export interface FixpointOptions {
  /** How the final result is called in messages: `finalAttrs` or `final`. */
  readonly finalName: string;
  /** The prototype of the views (`null` for attributes, `Object.prototype` for package sets). */
  readonly prototype: object | null;
  /** Whether getters run with the final result as `this` (else the layer's own object). */
  readonly gettersOnFinal: boolean;
  /** Names that no layer defines but that have a value (`finalPackage`), and how to get it. */
  readonly fallback?: { readonly names: readonly string[]; readonly value: (key: string) => unknown };
  /** Why the views cannot be changed. */
  readonly readOnlyMessage: string;
}

interface LayerState {
  readonly layer: FixpointLayer;
  state: "pending" | "running" | "done";
  result: object | undefined;
  /** Names looked up past this layer while it was running. */
  readonly readPast: Set<string>;
  /** While it runs again: its previous result, which lookups of its own names see. */
  provisional: object | undefined;
  /** The values read from `provisional` during this run, by name. */
  readonly readProvisional: Map<string, unknown>;
  /** Its attributes read so far (once it is done), each with its value once evaluated. */
  readonly cells: Map<string, AttributeCell>;
}

/** A lookup through a fixpoint: the proxies' `get` trap. */
type Lookup = (top: number, target: object, key: string | symbol) => unknown;

/**
 * One attribute of one finished layer, and where its evaluation stands; while
 * its getter runs, it is also the entry `deep-evaluation.ts` records. One
 * object per attribute holds what several maps and closures held, since a
 * package set makes one per package and each costs memory and time.
 * `suspended`: its evaluation was interrupted by a stack overflow and waits
 * to be resumed.
 */
class AttributeCell implements GetterEntry {
  readonly kind = "getter";
  state: "idle" | "evaluating" | "suspended" | "done";
  value: unknown;
  /** The view whose lookup evaluates it, which evaluates it again after a stack overflow. */
  top = 0;

  constructor(
    readonly owner: LayerState,
    readonly key: string,
    /** Its getter, or `undefined` for a plain value (then `done` from the start). */
    readonly getter: (() => unknown) | undefined,
    value: unknown,
    private readonly lookup: Lookup,
  ) {
    this.state = getter === undefined ? "done" : "idle";
    this.value = value;
  }

  read(): unknown {
    return this.lookup(this.top, this, this.key);
  }

  forget(): void {
    if (this.state !== "done") this.state = "idle";
  }

  suspend(): void {
    if (this.state !== "done") this.state = "suspended";
  }
}

/** The lazy fixpoint of a list of layers. */
export class LayeredFixpoint {
  /** The final result: every layer applied. */
  readonly final: object;
  private readonly layers: LayerState[];
  /** For each view (by its top layer), the values it has looked up that can no longer change. */
  private readonly settled: Map<string, unknown>[];
  /** {@link LayeredFixpoint.lookup}, bound once for the cells. */
  private readonly lookupAt: Lookup;

  constructor(
    layers: readonly FixpointLayer[],
    private readonly options: FixpointOptions,
  ) {
    this.layers = layers.map((layer) => ({ layer, state: "pending", result: undefined, readPast: new Set(), provisional: undefined, readProvisional: new Map(), cells: new Map() }));
    this.lookupAt = this.lookup.bind(this);
    this.settled = layers.map(() => new Map());
    this.final = this.view(this.layers.length - 1);
  }

  /** The result as seen from layer `top` down: the final result, or a layer's `prev`. */
  view(top: number): object {
    const readOnly = (): never => {
      throw new FixpointError(this.options.readOnlyMessage);
    };
    const known = (key: string): boolean => outermost(() => this.owner(key, top) !== undefined || (this.options.fallback?.names.includes(key) ?? false));
    // Bound, not wrapped in an arrow: a chain of packages each reading the next through
    // `final` recurses through this trap, and a bound function adds no frame of its own.
    const lookup = this.lookup.bind(this, top);
    return new Proxy(Object.create(this.options.prototype) as object, {
      get: lookup,
      has: (_target, key) => typeof key === "string" && known(key),
      ownKeys: () => this.keys(top),
      getOwnPropertyDescriptor: (target, key) =>
        typeof key === "string" && outermost(() => this.owner(key, top)) !== undefined ? { enumerable: true, configurable: true, get: () => lookup(target, key) } : undefined,
      set: readOnly,
      defineProperty: readOnly,
      deleteProperty: readOnly,
    });
  }

  /** Runs layer `index` if it has not run, and checks what was read past it meanwhile. */
  private evaluate(index: number): LayerState {
    const layer = this.layers[index] as LayerState;
    if (layer.state === "done") return layer;
    const reset = (): void => {
      layer.state = "pending";
      layer.readPast.clear();
      layer.provisional = undefined;
      layer.readProvisional.clear();
    };
    for (let round = 1; ; round++) {
      // Recorded before it is marked: if recording overflows the stack, nothing is left marked.
      const depth = startEvaluation({ kind: "layer", reset, resume: () => void (layer.state = "running") });
      let result: unknown;
      try {
        layer.state = "running";
        result = layer.layer.apply(this.final, index === 0 ? this.emptyPrev() : this.view(index - 1));
      } catch (error) {
        reset();
        finishEvaluation(depth, error);
        throw error;
      }
      finishEvaluation(depth);
      if (typeof result !== "object" || result === null) {
        reset();
        throw new FixpointError(`${layer.layer.label} returned ${result === null ? "null" : typeof result}, not an object`);
      }
      const defined = result;
      const missed = [...layer.readPast].find((key) => Object.prototype.hasOwnProperty.call(defined, key));
      const changed = [...layer.readProvisional].find(([key, seen]) => !settledValue(seen, defined, key))?.[0];
      const unsettled = missed ?? changed;
      if (unsettled === undefined) {
        layer.result = result;
        layer.provisional = undefined;
        layer.readProvisional.clear();
        layer.readPast.clear();
        layer.state = "done";
        return layer;
      }
      if (round >= MAX_ROUNDS) {
        reset();
        const { finalName } = this.options;
        throw new FixpointError(
          `infinite recursion: ${layer.layer.label} reads ${finalName}.${unsettled} to compute '${unsettled}' itself, and its value never settles (it changed in each of ${MAX_ROUNDS} evaluations): ` +
            `define '${unsettled}' without reading ${finalName}.${unsettled}, or read another layer's value through prevAttrs`,
        );
      }
      // Run it again, seeing this result as its own attributes.
      layer.provisional = result;
      layer.readProvisional.clear();
      layer.readPast.clear();
    }
  }

  private emptyPrev(): object {
    return Object.freeze(Object.create(this.options.prototype) as object);
  }

  /** The index of the layer that defines `key`, looking down from `top` and running layers as needed. */
  private owner(key: string, top: number): number | undefined {
    for (let index = top; index >= 0; index--) {
      const layer = this.layers[index] as LayerState;
      if (layer.state === "running") {
        if (layer.provisional !== undefined && Object.prototype.hasOwnProperty.call(layer.provisional, key)) return index;
        layer.readPast.add(key);
        continue;
      }
      if (Object.prototype.hasOwnProperty.call(this.evaluate(index).result, key)) return index;
    }
    return undefined;
  }

  /**
   * The value of `key` seen from `top`: the proxy's `get` trap itself, so
   * that each level of a chain of lookups costs one frame on the stack.
   */
  private lookup(top: number, _target: object, key: string | symbol): unknown {
    if (typeof key !== "string") return undefined;
    const settled = this.settled[top] as Map<string, unknown>;
    const known = settled.get(key);
    if (known !== undefined || settled.has(key)) return known;
    if (isOutermost()) return evaluateDeep(() => this.lookup(top, _target, key));
    const index = this.owner(key, top);
    if (index === undefined) return this.options.fallback?.names.includes(key) === true ? this.options.fallback.value(key) : undefined;
    const layer = this.layers[index] as LayerState;
    if (layer.state === "running") return this.provisionalValue(layer, key);
    // A value found past a layer still running may not be the final one (see evaluate): keep it out of the cache.
    const final = this.noneRunning(index + 1, top);
    let cell = layer.cells.get(key);
    if (cell === undefined) {
      const descriptor = Object.getOwnPropertyDescriptor(layer.result, key) as PropertyDescriptor;
      cell = new AttributeCell(layer, key, descriptor.get, descriptor.value, this.lookupAt);
      layer.cells.set(key, cell);
    }
    if (cell.state === "done") {
      if (final) settled.set(key, cell.value);
      return cell.value;
    }
    if (cell.state !== "idle") throw new FixpointError(`infinite recursion: '${key}' (from ${layer.layer.label}) needs its own value`);
    cell.top = top;
    // Recorded before it is marked, as in evaluate.
    const depth = startEvaluation(cell);
    let value: unknown;
    try {
      cell.state = "evaluating";
      value = (cell.getter as () => unknown).call(this.options.gettersOnFinal ? this.final : layer.result);
    } catch (error) {
      cell.forget();
      finishEvaluation(depth, error);
      throw error;
    }
    finishEvaluation(depth);
    cell.state = "done";
    cell.value = value;
    if (final) settled.set(key, value);
    return value;
  }

  /** `key` from the previous result of a layer running again (see evaluate): neither cached nor final, and remembered to check it settled. */
  private provisionalValue(layer: LayerState, key: string): unknown {
    const provisional = layer.provisional as object;
    const descriptor = Object.getOwnPropertyDescriptor(provisional, key) as PropertyDescriptor;
    const value: unknown = descriptor.get === undefined ? descriptor.value : descriptor.get.call(this.options.gettersOnFinal ? this.final : provisional);
    if (!layer.readProvisional.has(key)) layer.readProvisional.set(key, value);
    return value;
  }

  /** Whether every layer from `bottom` to `top` has finished running. */
  private noneRunning(bottom: number, top: number): boolean {
    for (let index = bottom; index <= top; index++) if ((this.layers[index] as LayerState).state === "running") return false;
    return true;
  }

  /** Every name seen from `top` (runs every layer, but no getter), in definition order. */
  keys(top: number = this.layers.length - 1): string[] {
    return outermost(() => this.namesFrom(top));
  }

  private namesFrom(top: number): string[] {
    const names = new Set<string>();
    for (let index = 0; index <= top; index++) {
      const layer = this.layers[index] as LayerState;
      if (layer.state === "running") continue;
      for (const key of Object.keys(this.evaluate(index).result as object)) names.add(key);
    }
    return [...names];
  }
}

/** How many times a layer that reads its own attributes runs before its values are taken to never settle. */
const MAX_ROUNDS = 8;

/**
 * Whether `seen`, read from a layer's previous result, is what its new
 * result defines for `key`: equal data, or the same package (same `outPath`).
 * A getter in the new result is evaluated later against the final result,
 * so it settles by construction.
 */
function settledValue(seen: unknown, result: object, key: string): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(result, key) as PropertyDescriptor;
  if (descriptor.get !== undefined) return true;
  return sameValue(seen, descriptor.value, 0);
}

function sameValue(left: unknown, right: unknown, depth: number): boolean {
  if (Object.is(left, right)) return true;
  if (typeof left === "function" && typeof right === "function") return String(left) === String(right);
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null || depth > 8) return false;
  if (Array.isArray(left)) return Array.isArray(right) && left.length === right.length && left.every((item, index) => sameValue(item, right[index], depth + 1));
  const leftPath = (left as { outPath?: unknown }).outPath;
  if (typeof leftPath === "string") return leftPath === (right as { outPath?: unknown }).outPath;
  if (Object.getPrototypeOf(left) !== Object.getPrototypeOf(right)) return false;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((name) => sameValue((left as Record<string, unknown>)[name], (right as Record<string, unknown>)[name], depth + 1));
}

/** Runs `read` as {@link evaluateDeep} does when it is an outermost read, else as it is. */
function outermost<T>(read: () => T): T {
  return isOutermost() ? evaluateDeep(read) : read();
}
