/**
 * `mkMerge [ a b ]`: several definitions written as one. The list is
 * flattened into separate definitions, each keeping its own properties.
 */

/** Several definitions given together. Created by {@link mkMerge}. */
export class MkMerge<out T> {
  /** Nix's `_type = "merge"`. */
  readonly _type = "merge" as const;
  /** The definitions. */
  readonly contents: readonly T[];
  /** Prefer {@link mkMerge}. */
  constructor(contents: readonly T[]) {
    this.contents = contents;
  }
}

/** Combines several definitions of the same thing into one value. */
export function mkMerge<T>(contents: readonly T[]): MkMerge<T> {
  return new MkMerge<T>(contents);
}
