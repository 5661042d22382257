/**
 * The hash modulo of a derivation that is not fixed-output: one hash for
 * every output, as Nix's `hashDerivationModulo` gives (its `DrvHash` maps
 * each output name to the same hash unless the derivation is fixed-output).
 *
 * It reads as a `ReadonlyMap` from output name to hash, but holds only the
 * hash and the derivation's own outputs map: Kiln keeps one of these beside
 * every derivation it makes, and a real `Map` per derivation is a hash table
 * more to allocate and for the GC to copy.
 */
import { Hash } from "../store/hash.js";

/** One hash for every output of a derivation, read as a map from output name to hash. */
export class UniformHashModulo implements ReadonlyMap<string, Hash> {
  /** The hash as an object, made when first asked for: dependents print only its hex. */
  private hash: Hash | undefined = undefined;

  constructor(
    /** The derivation's outputs: only their names are read. */
    private readonly outputs: ReadonlyMap<string, unknown>,
    /** The one hash of every output, as lowercase sha256 hex. */
    private readonly hex: string,
  ) {}

  /** The hex of output `name`'s hash, as {@link UniformHashModulo.get} would give it, without making the hash object. */
  hexOf(name: string): string | undefined {
    return this.outputs.has(name) ? this.hex : undefined;
  }

  private theHash(): Hash {
    this.hash ??= Hash.fromBase16("sha256", this.hex);
    return this.hash;
  }

  get size(): number {
    return this.outputs.size;
  }

  get(name: string): Hash | undefined {
    return this.outputs.has(name) ? this.theHash() : undefined;
  }

  has(name: string): boolean {
    return this.outputs.has(name);
  }

  forEach(callback: (value: Hash, key: string, map: ReadonlyMap<string, Hash>) => void, thisArg?: unknown): void {
    for (const name of this.outputs.keys()) callback.call(thisArg, this.theHash(), name, this);
  }

  keys(): MapIterator<string> {
    return this.outputs.keys();
  }

  // Iterating is rare (lookups are by name): a real map is made only then.
  entries(): MapIterator<[string, Hash]> {
    return this.asMap().entries();
  }

  values(): MapIterator<Hash> {
    return this.asMap().values();
  }

  [Symbol.iterator](): MapIterator<[string, Hash]> {
    return this.entries();
  }

  private asMap(): Map<string, Hash> {
    const map = new Map<string, Hash>();
    for (const name of this.outputs.keys()) map.set(name, this.theHash());
    return map;
  }
}
