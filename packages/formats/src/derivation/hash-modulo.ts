/**
 * `hashDerivationModulo`: the hash that input-addressed output paths are made from.
 *
 * A derivation's output paths cannot depend on its own `.drv` path (that
 * would be circular), nor should a change in how a fixed-output source is
 * fetched change everything downstream. So Nix hashes the ATerm text with
 * each input `.drv` path replaced by that input's own hash modulo, and gives
 * fixed-output derivations a hash of only their declared content hash and
 * output path. Two fetchers of the same content are thus interchangeable.
 */
import { KilnError } from "../errors.js";
import { hashString, hashToBase16, type Hash } from "../store/hash.js";
import { AtermPrinter } from "./aterm.js";
import { UniformHashModulo } from "./uniform-hash-modulo.js";
import { CompactMap } from "./compact-map.js";
import { singleOutput } from "./single-output.js";
import { isFixedOutput, type Drv } from "./drv.js";

/** A derivation's hash modulo, per output (all equal unless fixed-output). */
export type HashModulo = ReadonlyMap<string, Hash>;

/** A `.drv` path that a derivation refers to but that cannot be found. */
export class MissingDerivationError extends KilnError {
  override name = "MissingDerivationError";
}

/** The hash a fixed-output derivation contributes: `fixed:out:<method+algo>:<hex>:<path>`. */
function hashFixedOutput(drv: Drv): HashModulo {
  const hashes = new Map<string, Hash>();
  for (const [name, output] of drv.outputs) {
    hashes.set(name, hashString("sha256", `fixed:out:${output.hashAlgo}:${output.hash}:${output.path}`));
  }
  return hashes;
}

/**
 * Computes `drv`'s hash modulo. `resolveInput` gives the hash modulo of an
 * input `.drv` path (memoise it: {@link DerivationHasher} does). With
 * `maskOutputs`, output paths print as `""`: that is the hash output paths are
 * made from; without, it is the hash dependents use.
 */
export function hashDerivationModulo(drv: Drv, resolveInput: (drvPath: string) => HashModulo, maskOutputs: boolean): HashModulo {
  if (isFixedOutput(drv)) return hashFixedOutput(drv);
  return hashWithInputsModulo(drv, inputsModulo(drv, resolveInput), maskOutputs);
}

/**
 * The `inputDrvs` that hashing modulo prints instead of the real ones: each
 * input's hash modulo (hex) to the outputs used. Inputs whose hashes are equal
 * (twins) merge into one entry, as in Nix.
 */
export function inputsModulo(drv: Drv, resolveInput: (drvPath: string) => HashModulo): ReadonlyMap<string, readonly string[]> {
  // Names and lists in turn, as a compact map keeps them; many inputs are looked up by an index, a few by a scan.
  const pairs = new Array<string | readonly string[]>(2 * drv.inputDrvs.size);
  let length = 0;
  const index = drv.inputDrvs.size > MOST_SCANNED ? new Map<string, number>() : undefined;
  // `forEach`, not `for…of`: no [path, names] pair is made for each input.
  drv.inputDrvs.forEach((outputNames, drvPath) => {
    const inputHashes = resolveInput(drvPath);
    for (const outputName of outputNames) {
      // A derivation made in this process keeps its hash as hex: no hash object is made to print it.
      const key = inputHashes instanceof UniformHashModulo ? inputHashes.hexOf(outputName) : inputHashes.get(outputName)?.toBase16();
      if (key === undefined) throw new MissingDerivationError(`derivation '${drvPath}' has no output '${outputName}'`);
      let at = -1;
      if (index !== undefined) at = index.get(key) ?? -1;
      else for (let i = 0; i < length && at < 0; i += 2) if (pairs[i] === key) at = i;
      if (at < 0) {
        index?.set(key, length);
        pairs[length++] = key;
        pairs[length++] = singleOutput(outputName);
      } else {
        // The lists are shared (see `singleOutput`): a second name makes a list of its own.
        const names = pairs[at + 1] as readonly string[];
        if (!names.includes(outputName)) pairs[at + 1] = [...names, outputName];
      }
    }
  });
  // Made for one output of each input: shorter if twins merged, longer if inputs are used by several outputs.
  pairs.length = length;
  return CompactMap.ofPairs(pairs);
}

/** Above this many inputs, twins are found by an index rather than by scanning the inputs found so far. */
const MOST_SCANNED = 16;

/**
 * The hash modulo of a derivation that is not fixed-output, given its
 * {@link inputsModulo}; `printer` lets a caller that prints `drv` several
 * times sort and escape it once.
 */
export function hashWithInputsModulo(drv: Drv, inputs: ReadonlyMap<string, readonly string[]>, maskOutputs: boolean, printer: AtermPrinter = new AtermPrinter(drv)): UniformHashModulo {
  return new UniformHashModulo(drv.outputs, hashHexWithInputsModulo(inputs, maskOutputs, printer));
}

/** The sha256 hex of {@link hashWithInputsModulo}, of the derivation `printer` prints. */
export function hashHexWithInputsModulo(inputs: ReadonlyMap<string, readonly string[]>, maskOutputs: boolean, printer: AtermPrinter): string {
  return hashToBase16("sha256", printer.printModulo(inputs, maskOutputs));
}

/**
 * Hashes derivations of a graph modulo their inputs, each `.drv` once.
 * `lookup` finds a `.drv` by path (in memory, or read from a store).
 */
export class DerivationHasher {
  private readonly memo = new Map<string, HashModulo>();

  constructor(private readonly lookup: (drvPath: string) => Drv | undefined) {}

  /**
   * The (unmasked) hash modulo of the derivation at `drvPath`. Inputs are
   * visited with an explicit stack, so a chain of any length cannot overflow
   * the call stack.
   */
  hashModulo(drvPath: string): HashModulo {
    const known = this.memo.get(drvPath);
    if (known !== undefined) return known;
    const onPath = new Set<string>();
    const stack: { path: string; drv?: Drv }[] = [{ path: drvPath }];
    while (stack.length > 0) {
      const frame = stack.pop() as { path: string; drv?: Drv };
      if (frame.drv !== undefined) {
        this.memo.set(frame.path, hashDerivationModulo(frame.drv, (input) => this.memo.get(input) as HashModulo, false));
        onPath.delete(frame.path);
        continue;
      }
      if (this.memo.has(frame.path)) continue;
      if (onPath.has(frame.path)) throw new MissingDerivationError(`derivation '${frame.path}' depends on itself`);
      const drv = this.lookup(frame.path);
      if (drv === undefined) throw new MissingDerivationError(`cannot find derivation '${frame.path}' to hash it`);
      onPath.add(frame.path);
      stack.push({ path: frame.path, drv });
      if (isFixedOutput(drv)) continue;
      for (const input of drv.inputDrvs.keys()) if (!this.memo.has(input)) stack.push({ path: input });
    }
    return this.memo.get(drvPath) as HashModulo;
  }

  /** Records a hash computed elsewhere, so it is not computed again. */
  remember(drvPath: string, hashes: HashModulo): void {
    this.memo.set(drvPath, hashes);
  }
}
