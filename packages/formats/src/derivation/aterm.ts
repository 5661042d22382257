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

/** The `[("path",["out"]),…]` list of input derivations (or of their hashes modulo), sorted. */
function printInputDrvs(inputDrvs: ReadonlyMap<string, readonly string[]>): string {
  let out = "";
  let first = true;
  for (const path of sortedKeys(inputDrvs)) {
    if (!first) out += ",";
    first = false;
    const names = inputDrvs.get(path) ?? [];
    out += `(${escapeAtermString(path)},${printStringList(names.length > 1 ? [...new Set(names)].sort(compareUtf8) : names)})`;
  }
  return out;
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
 * Prints the variants of one derivation's ATerm (masked, modulo its inputs,
 * final) from pieces sorted and escaped once: the sources/system/builder/args
 * section, the sorted output names, and the escaped environment entries that
 * are not outputs. `derivation()` prints three variants of each derivation it
 * makes; the pieces live only as long as the printer, so nothing of them is
 * kept beside the derivation.
 */
export class AtermPrinter {
  private readonly middle: string;
  private readonly outputNames: readonly string[];
  /** Sorted environment keys, each with its escaped `("key","value")` unless it names an output. */
  private readonly env: readonly { readonly key: string; readonly escapedKey: string; readonly printed: string | undefined }[];
  /** The inputs last printed and their text: the masked and the modulo variants print the same inputs. */
  private lastInputs: ReadonlyMap<string, readonly string[]> | undefined;
  private lastInputsText = "";

  constructor(private readonly drv: Drv) {
    // Nix writes the platform without escaping it (its `printUnquotedString`), unlike every other string.
    const sources = drv.inputSrcs.length > 1 ? [...new Set(drv.inputSrcs)].sort(compareUtf8) : drv.inputSrcs;
    this.middle = `${printStringList(sources)},"${drv.system}",${escapeAtermString(drv.builder)},${printStringList(drv.args)}`;
    this.outputNames = sortedKeys(drv.outputs);
    this.env = sortedKeys(drv.env).map((key) => {
      const escapedKey = escapeAtermString(key);
      return { key, escapedKey, printed: drv.outputs.has(key) ? undefined : `(${escapedKey},${escapeAtermString(drv.env.get(key) ?? "")})` };
    });
  }

  /** The ATerm text of the derivation as it is now (output paths and their variables are read afresh). */
  print(options: PrintAtermOptions = {}): string {
    const drv = this.drv;
    const mask = options.maskOutputs === true;
    let out = "Derive([";
    let first = true;
    for (const name of this.outputNames) {
      const output = drv.outputs.get(name);
      if (output === undefined) continue;
      if (!first) out += ",";
      first = false;
      out += `(${escapeAtermString(name)},${mask ? '""' : escapeAtermString(output.path)},${escapeAtermString(output.hashAlgo)},${escapeAtermString(output.hash)})`;
    }
    out += "],[";
    const inputDrvs = options.inputDrvsOverride ?? drv.inputDrvs;
    if (inputDrvs !== this.lastInputs) {
      this.lastInputs = inputDrvs;
      this.lastInputsText = printInputDrvs(inputDrvs);
    }
    out += `${this.lastInputsText}],${this.middle},[`;
    first = true;
    for (const entry of this.env) {
      if (!first) out += ",";
      first = false;
      // Output variables are the only entries that differ between variants.
      out += entry.printed ?? `(${entry.escapedKey},${mask ? '""' : escapeAtermString(drv.env.get(entry.key) ?? "")})`;
    }
    return `${out}])`;
  }
}

/** Prints a derivation as the ATerm text of its `.drv` file. */
export function printAterm(drv: Drv, options: PrintAtermOptions = {}): string {
  return new AtermPrinter(drv).print(options);
}
