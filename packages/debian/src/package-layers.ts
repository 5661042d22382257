/**
 * Layered inputs: a suite such as `bookworm-updates` or
 * `bookworm-backports` carries only the packages it changes, and its
 * packages need the rest (`libc6`, …) from the suite beneath it. An apt
 * system with both in its sources resolves over both indexes at once, taking
 * the newest version that satisfies each requirement; a Kiln input given a
 * `base` does the same: it resolves over its own index and its base's (and
 * the base's base), and each package is fetched from the input whose index
 * lists it, by the hash that input's lock pins, so the two inputs stay
 * locked and updated apart.
 *
 * The layer of a package set is kept under a symbol, so that it can never
 * be taken for a package name.
 */
import type { Derivation } from "@kiln/formats";
import { DebianInputError } from "./debian-errors.js";
import { PackageIndex, type IndexPackage } from "./package-index.js";

/** What a package set gives the sets layered over it. */
export interface PackageLayer {
  /** The input's name in the lock. */
  readonly inputName: string;
  /** The index this set resolves in: its own packages, then its bases'. */
  readonly index: PackageIndex;
  /** The unpacked `.deb` of `entry`, made by the set whose index lists it, or `undefined` when no layer does. */
  unpack(entry: IndexPackage): Derivation<"out"> | undefined;
}

/** Where a package set keeps its {@link PackageLayer}. */
export const PACKAGE_LAYER: unique symbol = Symbol.for("kiln.debian.layer") as typeof PACKAGE_LAYER;

/** The layer of `set`, which must be a package set made by `debian()`. */
export function layerOf(set: unknown, option: string): PackageLayer {
  const layer = typeof set === "object" && set !== null ? (set as { [PACKAGE_LAYER]?: PackageLayer })[PACKAGE_LAYER] : undefined;
  if (layer === undefined) throw new DebianInputError(`debian: '${option}' must be a package set made by debian({ ... }), e.g. the input of the suite beneath this one`);
  return layer;
}

/** The index to resolve in for an input with index `own` over `base`: every package of both, so the newest satisfying version wins as with apt. */
export function layeredIndex(own: PackageIndex, base: PackageLayer | undefined): PackageIndex {
  return base === undefined ? own : stackIndexes([own, base.index]);
}

/** One index of every package of `indexes` (an input's own first, then those beneath it); a single index is itself. */
export function stackIndexes(indexes: readonly PackageIndex[]): PackageIndex {
  return indexes.length === 1 ? (indexes[0] as PackageIndex) : new PackageIndex(indexes.flatMap((index) => index.packages));
}

/** Whether `index` lists this very entry (not just a package of its name). */
export function listsEntry(index: PackageIndex, entry: IndexPackage): boolean {
  return index.versions(entry.name).includes(entry);
}
