/**
 * What a `.drv` file holds: the fully evaluated build recipe.
 *
 * This is the data Nix writes as ATerm, after evaluation: output paths are
 * known, every dependency is a store path, every environment value a string.
 * Maps keep keys in Nix's order (UTF-8 byte order) once printed; the printer
 * sorts, so callers may insert in any order.
 */
import { Hash, parseHashAlgorithm } from "../store/hash.js";
import type { FileIngestionMethod } from "../store/store-path.js";

/** One output of a derivation as the `.drv` file records it. */
export interface DrvOutput {
  /** The output's store path; `""` while it is still being computed. */
  readonly path: string;
  /** For fixed-output derivations `r:sha256`, `sha1`, ...; otherwise `""`. */
  readonly hashAlgo: string;
  /** For fixed-output derivations the expected hash in lowercase hex; otherwise `""`. */
  readonly hash: string;
}

/** The contents of a `.drv` file. */
export interface Drv {
  /** Output name to output. */
  readonly outputs: ReadonlyMap<string, DrvOutput>;
  /** `.drv` path of each input derivation to the names of the outputs used. */
  readonly inputDrvs: ReadonlyMap<string, readonly string[]>;
  /** Store paths used directly: sources, text files, `.drv` files. */
  readonly inputSrcs: readonly string[];
  /** The platform the builder runs on, e.g. `x86_64-linux`. */
  readonly system: string;
  /** The program that builds the outputs. */
  readonly builder: string;
  /** Its command-line arguments. */
  readonly args: readonly string[];
  /** Its environment. */
  readonly env: ReadonlyMap<string, string>;
}

/** Whether `drv` is fixed-output: a single `out` whose content hash is declared up front. */
export function isFixedOutput(drv: Drv): boolean {
  if (drv.outputs.size !== 1) return false;
  const out = drv.outputs.get("out");
  return out !== undefined && out.hash !== "";
}

/**
 * The hash a fixed-output derivation declares for its output, and whether
 * it is of the file (`flat`) or of its NAR (`recursive`).
 */
export function declaredOutputHash(drv: Drv): { method: FileIngestionMethod; hash: Hash } {
  const output = drv.outputs.get("out");
  const algoText = output?.hashAlgo ?? "";
  const recursive = algoText.startsWith("r:");
  const algorithm = parseHashAlgorithm(recursive ? algoText.slice(2) : algoText);
  return { method: recursive ? "recursive" : "flat", hash: new Hash(algorithm, new Uint8Array(Buffer.from(output?.hash ?? "", "hex"))) };
}

/** The store paths a `.drv` file refers to: its sources and input derivations. */
export function drvReferences(drv: Drv): string[] {
  return [...drv.inputSrcs, ...drv.inputDrvs.keys()];
}
