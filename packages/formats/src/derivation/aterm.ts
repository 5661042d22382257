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
import { CompactMap } from "./compact-map.js";
import { takeText, putText as put } from "../util/text-parts.js";

const NEEDS_ESCAPE = /["\\\n\r\t]/;

/** Quotes a string as Nix's ATerm printer does. */
export function escapeAtermString(text: string): string {
  return `"${escaped(text)}"`;
}

/**
 * `text` as it is written between quotes. The quotes themselves are put with the punctuation around
 * them (`("`, `","`), so that a string costs one piece, and one needing no escape is not copied.
 */
function escaped(text: string): string {
  // Most strings are short (names, `""`) and need no escape: a loop over them costs less than calling the regex.
  if (text.length <= SHORT) {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code <= 34 ? code === 34 || code === 10 || code === 13 || code === 9 : code === 92) return escapeAll(text);
    }
    return text;
  }
  return NEEDS_ESCAPE.test(text) ? escapeAll(text) : text;
}

/** Up to this length, strings are checked for characters to escape by a loop rather than by a regex. */
const SHORT = 16;

/** `text` with `"`, `\`, newline, carriage return and tab escaped: a loop over its characters, cheaper than a replacement with a callback. */
function escapeAll(text: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 34 && code !== 92) continue;
    const escape = code === 34 ? '\\"' : code === 92 ? "\\\\" : code === 10 ? "\\n" : code === 13 ? "\\r" : code === 9 ? "\\t" : undefined;
    if (escape === undefined) continue;
    out += text.slice(from, i) + escape;
    from = i + 1;
  }
  return out + text.slice(from);
}

function putStringList(items: readonly string[]): void {
  if (items.length === 0) {
    put("[]");
    return;
  }
  for (let i = 0; i < items.length; i++) {
    put(i > 0 ? '","' : '["');
    put(escaped(items[i] as string));
  }
  put('"]');
}

function sortedKeys<T>(map: ReadonlyMap<string, T>): string[] {
  // A derivation made in this process holds compact maps, already sorted but for its outputs: no iterator for them.
  return sortUtf8(map instanceof CompactMap ? map.names() : [...map.keys()]);
}

/** `map` sorted by name, to walk by index: a derivation made in this process has its environment and inputs sorted already. */
function sortedMap<T>(map: ReadonlyMap<string, T>): CompactMap<T> {
  return map instanceof CompactMap ? (map as CompactMap<T>).sortedByName() : CompactMap.sorted(map);
}

/**
 * The `("path",["out"]),…` list of input derivations (or of their hashes modulo), sorted; with `plainKeys`,
 * the keys are known to need no escaping (hashes modulo, in hex).
 */
function printInputDrvs(inputDrvs: ReadonlyMap<string, readonly string[]>, plainKeys: boolean, sortedAlready: boolean): string {
  const sorted = sortedAlready ? (inputDrvs as CompactMap<readonly string[]>) : sortedMap(inputDrvs);
  for (let i = 0; i < sorted.size; i++) {
    const path = sorted.nameAt(i);
    const names = sorted.valueAt(i);
    put(i > 0 ? ',("' : '("');
    put(plainKeys ? path : escaped(path));
    put('",');
    putStringList(names.length > 1 ? sortUtf8([...new Set<string>(names)]) : names);
    put(")");
  }
  return takeText();
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
 * the values of its output variables (the only entries that differ between
 * variants). `derivation()` prints three variants of each derivation it makes;
 * the pieces live only as long as the printer, so nothing of them is kept
 * beside the derivation.
 */
export class AtermPrinter {
  private readonly middle: string;
  private readonly outputNames: readonly string[];
  /** The environment's text around the values of its output variables: one more piece than there are of those. */
  private readonly envPieces: readonly string[];
  /** The environment's output variables, in order. */
  private readonly envOutputs: readonly string[];
  /**
   * The environment, if it was sorted already (as `derivation()` makes it), and where the values of its
   * output variables are in it: read there, by index, rather than looked up by name (a scan, or an index
   * built for the purpose).
   */
  private readonly sortedEnv: CompactMap<string> | undefined;
  private readonly envOutputIndexes: readonly number[];
  /**
   * The last two sets of inputs printed and their text: the masked and the modulo variants print the
   * same inputs (the hashes modulo), and the final one between them prints the real ones.
   */
  private inputs: ReadonlyMap<string, readonly string[]> | undefined = undefined;
  private inputsText = "";
  private otherInputs: ReadonlyMap<string, readonly string[]> | undefined = undefined;
  private otherInputsText = "";

  /**
   * With `madeByDerivation`, `drv` is known to be as `derivation()` makes it: its environment and input
   * derivations are compact maps sorted by name, and its output paths (the values of their variables too)
   * need no escaping, being store paths whose names were checked.
   */
  constructor(
    private readonly drv: Drv,
    private readonly madeByDerivation = false,
  ) {
    // Nix writes the platform without escaping it (its `printUnquotedString`), unlike every other string.
    const sources = drv.inputSrcs.length > 1 ? sortUtf8([...new Set(drv.inputSrcs)]) : drv.inputSrcs;
    putStringList(sources);
    put(',"');
    put(drv.system);
    put('","');
    put(escaped(drv.builder));
    put('",');
    putStringList(drv.args);
    this.middle = takeText();
    this.outputNames = sortedKeys(drv.outputs);
    const envPieces: string[] = [];
    const envOutputs: string[] = [];
    const envOutputIndexes: number[] = [];
    const env = madeByDerivation ? (drv.env as CompactMap<string>) : sortedMap(drv.env);
    for (let i = 0; i < env.size; i++) {
      const key = env.nameAt(i);
      put(i > 0 ? ',("' : '("');
      put(escaped(key));
      if (drv.outputs.has(key)) {
        // The piece ends in the value's opening quote, and the next begins with its closing one.
        put('","');
        envPieces.push(takeText());
        envOutputs.push(key);
        envOutputIndexes.push(i);
        put('")');
      } else {
        put('","');
        put(escaped(env.valueAt(i)));
        put('")');
      }
    }
    envPieces.push(takeText());
    this.envPieces = envPieces;
    this.envOutputs = envOutputs;
    this.envOutputIndexes = envOutputIndexes;
    // A sorted copy holds the values as they were: read the derivation's own map then.
    this.sortedEnv = env === drv.env ? env : undefined;
  }

  /** The ATerm text of the derivation as it is now (output paths and their variables are read afresh). */
  print(options: PrintAtermOptions = {}): string {
    return this.printWith(options.maskOutputs === true, options.inputDrvsOverride, false);
  }

  /**
   * {@link AtermPrinter.print} with `inputs` (of `inputsModulo`: their keys are hashes in hex, which need
   * no escaping) in place of the input derivations.
   */
  printModulo(inputs: ReadonlyMap<string, readonly string[]>, maskOutputs: boolean): string {
    return this.printWith(maskOutputs, inputs, true);
  }

  private printWith(mask: boolean, inputDrvsOverride: ReadonlyMap<string, readonly string[]> | undefined, plainInputKeys: boolean): string {
    const inputDrvs = inputDrvsOverride ?? this.drv.inputDrvs;
    let inputsText: string;
    if (inputDrvs === this.inputs) {
      inputsText = this.inputsText;
    } else if (inputDrvs === this.otherInputs) {
      inputsText = this.otherInputsText;
    } else {
      // The newest first; no more than two kept.
      inputsText = printInputDrvs(inputDrvs, plainInputKeys, inputDrvsOverride === undefined && this.madeByDerivation);
      this.otherInputs = this.inputs;
      this.otherInputsText = this.inputsText;
      this.inputs = inputDrvs;
      this.inputsText = inputsText;
    }
    const { drv } = this;
    const plainOutputPaths = this.madeByDerivation;
    put("Derive([");
    let first = true;
    for (const name of this.outputNames) {
      const output = drv.outputs.get(name);
      if (output === undefined) continue;
      put(first ? '("' : ',("');
      first = false;
      put(escaped(name));
      put('","');
      if (!mask) put(plainOutputPaths ? output.path : escaped(output.path));
      put('","');
      put(escaped(output.hashAlgo));
      put('","');
      put(escaped(output.hash));
      put('")');
    }
    put("],[");
    put(inputsText);
    put("],");
    put(this.middle);
    put(",[");
    const { envPieces, envOutputs, sortedEnv, envOutputIndexes } = this;
    put(envPieces[0] ?? "");
    for (let i = 0; i < envOutputs.length; i++) {
      if (!mask) {
        const value = sortedEnv !== undefined ? sortedEnv.valueAt(envOutputIndexes[i] as number) : (drv.env.get(envOutputs[i] as string) ?? "");
        put(plainOutputPaths ? value : escaped(value));
      }
      put(envPieces[i + 1] ?? "");
    }
    put("])");
    return takeText();
  }
}

/** Prints a derivation as the ATerm text of its `.drv` file. */
export function printAterm(drv: Drv, options: PrintAtermOptions = {}): string {
  return new AtermPrinter(drv).print(options);
}
