/**
 * A small read-only map from strings, held as two arrays: what a
 * derivation made in this process keeps as its `.drv`'s `outputs`,
 * `inputDrvs` and `env`.
 *
 * Nix keeps these as `std::map`s; Kiln keeps one set of them for every
 * derivation it makes, for as long as the evaluation runs. A JavaScript
 * `Map` of a few entries costs a hash table several times the size of its
 * entries, which at 100,000 derivations is a third of the heap, and every
 * byte of it is copied by the garbage collector as the heap grows. Lookups
 * by name are rare (the ATerm printer and the store iterate) and scan the
 * arrays; a large map gets an index the first time it is looked up.
 */
import { compareUtf8, sortUtf8 } from "../util/compare-utf8.js";

/** Above this many entries, lookups go through an index built on first use. */
const SCAN_LIMIT = 16;

/**
 * The indexes of the large maps that were looked up, kept beside them rather than in a field of each
 * map: nearly every map is small, and a field is 8 bytes more in every one, kept as long as the map is.
 */
const indexes = new WeakMap<object, Map<string, number>>();

/** A read-only map from strings, in the order its entries were given. */
export class CompactMap<Value> implements ReadonlyMap<string, Value> {
  /** `pairs` holds each name followed by its value: one array, not two, is what makes the map small. */
  private constructor(private readonly pairs: readonly (string | Value)[]) {}

  /** The entries of `map`, in its order. */
  static of<Value>(map: ReadonlyMap<string, Value>): CompactMap<Value> {
    // Made at its final size: an array grown by push keeps spare room.
    const pairs = new Array<string | Value>(map.size * 2);
    let at = 0;
    for (const [name, value] of map) {
      pairs[at++] = name;
      pairs[at++] = value;
    }
    return new CompactMap(pairs);
  }

  /**
   * The map of `pairs` (each name followed by its value, in the order to keep), which it keeps as they are: the
   * one who made them may still change a value in place (`derivation()` fills in output paths), never a name.
   */
  static ofPairs<Value>(pairs: (string | Value)[]): CompactMap<Value> {
    return new CompactMap(pairs);
  }

  /** The entries of `map`, sorted by name in UTF-8 order: as the `.drv` file lists them, so printing it again sorts nothing. */
  static sorted<Value>(map: ReadonlyMap<string, Value>): CompactMap<Value> {
    const names = sortUtf8([...map.keys()]);
    const pairs = new Array<string | Value>(names.length * 2);
    let at = 0;
    for (const name of names) {
      pairs[at++] = name;
      pairs[at++] = map.get(name) as Value;
    }
    return new CompactMap(pairs);
  }

  get size(): number {
    return this.pairs.length / 2;
  }

  /** The name of entry `index` (in order). */
  nameAt(index: number): string {
    return this.pairs[2 * index] as string;
  }

  /** The value of entry `index` (in order). */
  valueAt(index: number): Value {
    return this.pairs[2 * index + 1] as Value;
  }

  /**
   * This map if its names are in UTF-8 order (as `derivation()` makes its environment and inputs), else a
   * copy sorted so: what the ATerm printer walks by index, where looking each sorted name up would scan.
   */
  sortedByName(): CompactMap<Value> {
    const pairs = this.pairs;
    let sorted = true;
    for (let at = 2; at < pairs.length && sorted; at += 2) sorted = compareUtf8(pairs[at - 2] as string, pairs[at] as string) < 0;
    if (sorted) return this;
    if (pairs.length <= 2 * SCAN_LIMIT) {
      // A few entries (a derivation's inputs modulo): sorted by insertion, pairs moved together, no comparator called from native code.
      const copy = pairs.slice();
      for (let at = 2; at < copy.length; at += 2) {
        const name = copy[at] as string;
        const value = copy[at + 1] as Value;
        let to = at;
        while (to > 0 && compareUtf8(copy[to - 2] as string, name) > 0) {
          copy[to] = copy[to - 2] as string;
          copy[to + 1] = copy[to - 1] as Value;
          to -= 2;
        }
        copy[to] = name;
        copy[to + 1] = value;
      }
      return new CompactMap(copy);
    }
    const order = new Array<number>(pairs.length / 2);
    for (let i = 0; i < order.length; i++) order[i] = 2 * i;
    order.sort((a, b) => compareUtf8(pairs[a] as string, pairs[b] as string));
    const copy = new Array<string | Value>(pairs.length);
    for (let i = 0; i < order.length; i++) {
      copy[2 * i] = pairs[order[i] as number] as string;
      copy[2 * i + 1] = pairs[(order[i] as number) + 1] as Value;
    }
    return new CompactMap(copy);
  }

  /** Where `name`'s value is in `pairs`, or -1. */
  private position(name: string): number {
    const pairs = this.pairs;
    if (pairs.length <= 2 * SCAN_LIMIT) {
      for (let at = 0; at < pairs.length; at += 2) if (pairs[at] === name) return at + 1;
      return -1;
    }
    let index = indexes.get(this);
    if (index === undefined) {
      index = new Map();
      for (let at = 0; at < pairs.length; at += 2) index.set(pairs[at] as string, at + 1);
      indexes.set(this, index);
    }
    return index.get(name) ?? -1;
  }

  get(name: string): Value | undefined {
    const position = this.position(name);
    return position < 0 ? undefined : (this.pairs[position] as Value);
  }

  has(name: string): boolean {
    return this.position(name) >= 0;
  }

  forEach(callback: (value: Value, key: string, map: ReadonlyMap<string, Value>) => void, thisArg?: unknown): void {
    for (let at = 0; at < this.pairs.length; at += 2) callback.call(thisArg, this.pairs[at + 1] as Value, this.pairs[at] as string, this);
  }

  /** The names, in order, as a new array: what `[...map.keys()]` gives, without an iterator. */
  names(): string[] {
    const pairs = this.pairs;
    const names = new Array<string>(pairs.length / 2);
    for (let at = 0; at < pairs.length; at += 2) names[at / 2] = pairs[at] as string;
    return names;
  }

  // Iterators of small arrays made for the purpose: cheaper in V8 than generators.
  keys(): MapIterator<string> {
    return this.names().values();
  }

  values(): MapIterator<Value> {
    const values: Value[] = [];
    for (let at = 1; at < this.pairs.length; at += 2) values.push(this.pairs[at] as Value);
    return values.values();
  }

  entries(): MapIterator<[string, Value]> {
    const entries: [string, Value][] = [];
    for (let at = 0; at < this.pairs.length; at += 2) entries.push([this.pairs[at] as string, this.pairs[at + 1] as Value]);
    return entries.values();
  }

  [Symbol.iterator](): MapIterator<[string, Value]> {
    return this.entries();
  }
}
