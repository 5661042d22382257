/**
 * The layers of a locked input as `kiln.lock` records them (each input's
 * `base`), for what reads the lock without evaluating the config:
 * `kiln search` and `kiln why-depends` resolve over an input and the inputs
 * beneath it, as `debian({ suite, base })` does (see `package-layers.ts`),
 * and tell which layer each package comes from.
 */
import { DebianLockError } from "./debian-errors.js";
import type { LockFile, LockedDebianInput } from "./lock-file.js";
import type { IndexPackage, PackageIndex } from "./package-index.js";
import { stackIndexes } from "./package-layers.js";

/** An input's index over its layers, and which layer lists each package. */
export interface LockedLayers {
  /** The input's name, then its base's, and so on down. */
  readonly inputs: readonly string[];
  /** Every package of every layer, the newest satisfying version winning as with apt. */
  readonly index: PackageIndex;
  /** The name of the input whose own index lists `entry`. */
  layerOf(entry: IndexPackage): string;
}

/**
 * `name`, then the input it is layered over, and so on down.
 *
 * @throws DebianLockError for an input the lock lacks, a base it lacks, or
 *   layers that go round in a circle.
 */
export function lockedLayerNames(lock: LockFile, name: string, lockFile: string): string[] {
  const names: string[] = [];
  for (let current: string | undefined = name; current !== undefined; current = lock.inputs[current]?.base) {
    if (names.includes(current)) throw new DebianLockError(`'${lockFile}': the inputs ${[...names, current].map((n) => `'${n}'`).join(" over ")} are layered over each other in a circle; fix their 'base' fields, or delete them and evaluate the config again`);
    if (lock.inputs[current] === undefined) {
      throw new DebianLockError(names.length === 0 ? `'${lockFile}' has no input '${name}'; it has ${Object.keys(lock.inputs).sort().join(", ") || "none"}` : `'${lockFile}': input '${names.at(-1) ?? name}' is layered over '${current}', which the lock does not have; run 'kiln update' to lock it`);
    }
    names.push(current);
  }
  return names;
}

/** The inputs of `lock` that no other input is layered over: what the config's packages come from, each with its layers. */
export function topInputs(lock: LockFile): string[] {
  const bases = new Set(Object.values(lock.inputs).flatMap((input) => (input.base === undefined ? [] : [input.base])));
  return Object.keys(lock.inputs).filter((name) => !bases.has(name)).sort();
}

/**
 * The index of input `name` over its layers, each layer's own index loaded
 * with `load`.
 *
 * @throws DebianLockError as {@link lockedLayerNames} does.
 */
export async function loadLockedLayers(lock: LockFile, name: string, lockFile: string, load: (input: LockedDebianInput) => Promise<PackageIndex>): Promise<LockedLayers> {
  const inputs = lockedLayerNames(lock, name, lockFile);
  const owner = new Map<IndexPackage, string>();
  const indexes: PackageIndex[] = [];
  for (const input of inputs) {
    const index = await load(lock.inputs[input] as LockedDebianInput);
    for (const entry of index.packages) owner.set(entry, input);
    indexes.push(index);
  }
  return { inputs, index: stackIndexes(indexes), layerOf: (entry) => owner.get(entry) ?? name };
}
