/**
 * The ATerm text of a `.drv` file, byte for byte as Nix writes it.
 *
 * `Derive([outputs],[inputDrvs],[inputSrcs],"system","builder",[args],[env])`.
 * Every list is sorted as C++ `std::map`/`std::set` sort strings (by UTF-8
 * bytes). Strings escape only `"`, `\`, newline, carriage return and tab;
 * every other byte, control characters included, is written raw. One quirk
 * of Nix is kept: the system is written without any escaping at all.
 */
import { sortUtf8 } from "../util/compare-utf8.js";
import type { Drv } from "./drv.js";

const NEEDS_ESCAPE = /["\\\n\r\t]/;
const ESCAPED = /["\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Quotes a string as Nix's ATerm printer does. */
export function escapeAtermString(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  return `"${text.replace(ESCAPED, (character) => ESCAPES[character] ?? character)}"`;
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
  return sortUtf8([...map.keys()]);
}

/** The `[("path",["out"]),…]` list of input derivations (or of their hashes modulo), sorted. */
function printInputDrvs(inputDrvs: ReadonlyMap<string, readonly string[]>): string {
  let out = "";
  let first = true;
  for (const path of sortedKeys(inputDrvs)) {
    if (!first) out += ",";
    first = false;
    const names = inputDrvs.get(path) ?? [];
    out += `(${escapeAtermString(path)},${printStringList(names.length > 1 ? sortUtf8([...new Set(names)]) : names)})`;
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
 * section, the sorted output names, and the environment as the text between
 * its output variables (the only entries that differ between variants).
 * `derivation()` prints three variants of each derivation it makes, so each
 * variant is a few concatenations of shared pieces; the pieces live only as
 * long as the printer, so nothing of them is kept beside the derivation.
 */
export class AtermPrinter {
  private readonly middle: string;
  private readonly outputNames: readonly string[];
  /** The environment's text around its output variables: one more piece than there are of those. */
  private readonly envPieces: readonly string[];
  /** The environment's output variables in order, each as `(` + its escaped name + `,` (with a leading comma unless first). */
  private readonly envOutputs: readonly { readonly key: string; readonly opening: string }[];
  /**
   * The inputs printed and their text, for the two sets of inputs printed last: the masked and the modulo variants
   * print the same inputs (the hashes modulo), and the final one between them prints the real ones.
   */
  private inputsTexts: { inputs: ReadonlyMap<string, readonly string[]>; text: string }[] = [];
  /** The masked outputs and environment: masking prints every output path and variable as `""`, so they never change. */
  private masked: OutputsText | undefined = undefined;

  constructor(private readonly drv: Drv) {
    // Nix writes the platform without escaping it (its `printUnquotedString`), unlike every other string.
    const sources = drv.inputSrcs.length > 1 ? sortUtf8([...new Set(drv.inputSrcs)]) : drv.inputSrcs;
    this.middle = `${printStringList(sources)},"${drv.system}",${escapeAtermString(drv.builder)},${printStringList(drv.args)}`;
    this.outputNames = sortedKeys(drv.outputs);
    const envPieces: string[] = [];
    const envOutputs: { key: string; opening: string }[] = [];
    let piece = "";
    let first = true;
    for (const key of sortedKeys(drv.env)) {
      const opening = `${first ? "" : ","}(${escapeAtermString(key)},`;
      first = false;
      if (drv.outputs.has(key)) {
        envPieces.push(piece);
        envOutputs.push({ key, opening });
        piece = "";
      } else {
        piece += `${opening}${escapeAtermString(drv.env.get(key) ?? "")})`;
      }
    }
    envPieces.push(piece);
    this.envPieces = envPieces;
    this.envOutputs = envOutputs;
  }

  /** The ATerm text of the derivation as it is now (output paths and their variables are read afresh). */
  print(options: PrintAtermOptions = {}): string {
    const mask = options.maskOutputs === true;
    const inputDrvs = options.inputDrvsOverride ?? this.drv.inputDrvs;
    let printed = this.inputsTexts.find((known) => known.inputs === inputDrvs);
    if (printed === undefined) {
      printed = { inputs: inputDrvs, text: printInputDrvs(inputDrvs) };
      // The newest first; no more than two kept.
      this.inputsTexts = [printed, ...this.inputsTexts.slice(0, 1)];
    }
    const { outputs, env } = mask ? (this.masked ??= this.printOutputs(true)) : this.printOutputs(false);
    return `Derive([${outputs}],[${printed.text}],${this.middle},[${env}])`;
  }

  private printOutputs(mask: boolean): OutputsText {
    const drv = this.drv;
    let outputs = "";
    for (const name of this.outputNames) {
      const output = drv.outputs.get(name);
      if (output === undefined) continue;
      if (outputs !== "") outputs += ",";
      outputs += `(${escapeAtermString(name)},${mask ? '""' : escapeAtermString(output.path)},${escapeAtermString(output.hashAlgo)},${escapeAtermString(output.hash)})`;
    }
    let env = this.envPieces[0] ?? "";
    for (let i = 0; i < this.envOutputs.length; i++) {
      const { key, opening } = this.envOutputs[i] as { key: string; opening: string };
      env += `${opening}${mask ? '""' : escapeAtermString(drv.env.get(key) ?? "")})${this.envPieces[i + 1] ?? ""}`;
    }
    return { outputs, env };
  }
}

/** The parts of a `.drv`'s text that masking changes: its outputs list and its environment. */
interface OutputsText {
  readonly outputs: string;
  readonly env: string;
}

/** Prints a derivation as the ATerm text of its `.drv` file. */
export function printAterm(drv: Drv, options: PrintAtermOptions = {}): string {
  return new AtermPrinter(drv).print(options);
}
