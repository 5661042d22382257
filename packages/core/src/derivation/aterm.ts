/**
 * The ATerm text of a `.drv` file, byte for byte as Nix writes it.
 *
 * `Derive([outputs],[inputDrvs],[inputSrcs],"system","builder",[args],[env])`.
 * Every list is sorted as C++ `std::map`/`std::set` sort strings (by UTF-8
 * bytes). Strings escape only `"`, `\`, newline, carriage return and tab;
 * every other byte, control characters included, is written raw. One quirk
 * of Nix is kept: the system is written without any escaping at all.
 */
import { compareUtf8 } from "../util/compare-utf8.js";
import type { Drv } from "./drv.js";

const NEEDS_ESCAPE = /["\\\n\r\t]/;
const ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Quotes a string as Nix's ATerm printer does. */
export function escapeAtermString(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  return `"${text.replace(/["\\\n\r\t]/g, (character) => ESCAPES[character] ?? character)}"`;
}

function printStringList(items: Iterable<string>): string {
  let out = "[";
  let first = true;
  for (const item of items) {
    if (!first) out += ",";
    out += escapeAtermString(item);
    first = false;
  }
  return `${out}]`;
}

function sortedKeys<T>(map: ReadonlyMap<string, T>): string[] {
  return [...map.keys()].sort(compareUtf8);
}

/** Options of {@link printAterm} that produce the variants Nix hashes. */
export interface PrintAtermOptions {
  /** Print every output path, and each output's environment variable, as `""`, as for the masked hash. */
  readonly maskOutputs?: boolean;
  /**
   * Print these instead of `inputDrvs`: hash-modulo hex of each input to the output names used.
   * This is how `hashDerivationModulo` makes a derivation's hash independent of its inputs' `.drv` paths.
   */
  readonly inputDrvsOverride?: ReadonlyMap<string, readonly string[]>;
}

/**
 * The parts of a derivation's ATerm that do not change between the variants
 * Kiln prints of one derivation (masked, modulo its inputs, final): the
 * sources/system/builder/args section and the escaped environment entries
 * that are not outputs. Cached by the environment map, which the variants
 * share, so that a derivation's three prints sort and escape once.
 */
interface StablePieces {
  readonly size: number;
  readonly inputSrcs: readonly string[];
  readonly system: string;
  readonly builder: string;
  readonly args: readonly string[];
  readonly middle: string;
  /** Sorted environment keys, each with its escaped `("key","value")` unless it names an output. */
  readonly env: readonly { readonly key: string; readonly escapedKey: string; readonly printed: string | undefined }[];
}

const stablePiecesCache = new WeakMap<ReadonlyMap<string, string>, StablePieces>();

function stablePieces(drv: Drv): StablePieces {
  const cached = stablePiecesCache.get(drv.env);
  if (
    cached !== undefined &&
    cached.size === drv.env.size &&
    cached.inputSrcs === drv.inputSrcs &&
    cached.system === drv.system &&
    cached.builder === drv.builder &&
    cached.args === drv.args
  ) {
    return cached;
  }
  // Nix writes the platform without escaping it (its `printUnquotedString`), unlike every other string.
  const middle = `${printStringList([...new Set(drv.inputSrcs)].sort(compareUtf8))},"${drv.system}",${escapeAtermString(drv.builder)},${printStringList(drv.args)}`;
  const env = sortedKeys(drv.env).map((key) => {
    const escapedKey = escapeAtermString(key);
    return { key, escapedKey, printed: drv.outputs.has(key) ? undefined : `(${escapedKey},${escapeAtermString(drv.env.get(key) ?? "")})` };
  });
  const pieces: StablePieces = { size: drv.env.size, inputSrcs: drv.inputSrcs, system: drv.system, builder: drv.builder, args: drv.args, middle, env };
  stablePiecesCache.set(drv.env, pieces);
  return pieces;
}

/** Prints a derivation as the ATerm text of its `.drv` file. */
export function printAterm(drv: Drv, options: PrintAtermOptions = {}): string {
  const mask = options.maskOutputs === true;
  const pieces = stablePieces(drv);
  let out = "Derive([";
  let first = true;
  for (const name of sortedKeys(drv.outputs)) {
    const output = drv.outputs.get(name);
    if (output === undefined) continue;
    if (!first) out += ",";
    first = false;
    out += `(${escapeAtermString(name)},${escapeAtermString(mask ? "" : output.path)},${escapeAtermString(output.hashAlgo)},${escapeAtermString(output.hash)})`;
  }
  out += "],[";
  const inputDrvs = options.inputDrvsOverride ?? drv.inputDrvs;
  first = true;
  for (const path of sortedKeys(inputDrvs)) {
    if (!first) out += ",";
    first = false;
    out += `(${escapeAtermString(path)},${printStringList([...new Set(inputDrvs.get(path) ?? [])].sort(compareUtf8))})`;
  }
  out += `],${pieces.middle},[`;
  first = true;
  for (const entry of pieces.env) {
    if (!first) out += ",";
    first = false;
    // Output variables are the only entries that differ between variants.
    out += entry.printed ?? `(${entry.escapedKey},${escapeAtermString(mask ? "" : (drv.env.get(entry.key) ?? ""))})`;
  }
  return `${out}])`;
}
