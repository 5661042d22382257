/**
 * Random `derivation` calls for the live conformance test. Each one may
 * depend on earlier ones, so the run forms chains and diamonds, and the
 * generator leans towards what is easy to get wrong: odd names and keys,
 * escapes, coercions, float printing, twins (fixed-output derivations, and
 * sources, that share one store path), `.drv` closures, and structured
 * attributes.
 */
import { Hash, hashString, zeroHash, type HashAlgorithm } from "@kiln/formats";
import { type Interpolation, type LiveCases, type LiveSpec, type LiveText, type LiveValue, SpecialValue, interpolate, mapLiteralText } from "./live-spec.js";
import { SeededRandom } from "./seeded-random.js";
import { IMPORTABLE_SOURCES } from "./source-tree.js";

/** Every character Nix 2.8 allows in a store path name. */
const NAME_CHARACTERS = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._?="];
const STORE_NAME_MAX = 211;
/** Text fragments that stress escaping in Nix, in TypeScript and in the ATerm. */
const TRICKY_FRAGMENTS = ['"', "\\", "\n", "\r", "\t", "\r\n", "$", "${", "$${", "''", "'''", "''${", "`", "{", "}", "é", "e\u0301", "中", "😀", "𝄞", "\u0001", "\u001b", "\u007f", "\u0080", "\u00a0", "\u2028", "\ufeff", "\uffff", " ", "$$", "\\n", "\\$", "@", "#", "/nix/store", "/nix/store/"];
/** Attribute names `derivation` treats specially, and names JavaScript objects treat specially. */
const RESERVED_KEYS = new Set(["name", "system", "builder", "args", "outputs", "outputHash", "outputHashAlgo", "outputHashMode", "__structuredAttrs", "__ignoreNulls", "passAsFile", "__contentAddressed", "__impure", "__proto__"]);
/** Output names that would clash with the attributes of a derivation value in Nix. */
const CLASHING_OUTPUTS = new Set(["drv", "drvPath", "outPath", "type", "all", "outputName", "drvAttrs", "outputs", "name", "system", "builder", "args"]);
const COMMON_OUTPUTS = ["out", "bin", "dev", "lib", "man", "doc", "x-y", "a.b", "_", "1", "+", "?="];
const ALGORITHMS: readonly HashAlgorithm[] = ["md5", "sha1", "sha256", "sha512"];
/** Floats Nix prints by rounding a tie to even (`%f` and `%g`), where JavaScript rounds up. */
const TIE_FLOATS = [0.0078125, 1.0234375, -3.0078125, 123456.5, 12345.25, 0.00048828125];

/** Options of {@link generateCases}. */
export interface GenerateOptions {
  readonly seed: number;
  readonly count: number;
  /** sha256 NAR hashes (base16) of the importable sources, for fixed-output derivations that share a source's path. */
  readonly sourceNarHashes?: Readonly<Record<string, string>>;
  /** The store name of the source tree's root. */
  readonly sourceRootName: string;
}

interface Made {
  readonly id: string;
  readonly outputNames: readonly string[];
  readonly fixedOutput?: { readonly name: string; readonly algorithm: HashAlgorithm; readonly mode: string; readonly hash: Hash };
}

/** Generates `count` derivations (and the text files they use) from `seed`. */
export function generateCases(options: GenerateOptions): LiveCases {
  return new CaseGenerator(options).run();
}

class CaseGenerator {
  private readonly random: SeededRandom;
  private readonly made: Made[] = [];
  private readonly texts: LiveText[] = [];
  private textCount = 0;
  /** Tags of the spec being generated. */
  private tags = new Set<string>();

  constructor(private readonly options: GenerateOptions) {
    this.random = new SeededRandom(options.seed);
  }

  run(): LiveCases {
    const specs: LiveSpec[] = [];
    for (let index = 0; index < this.options.count; index++) {
      const { spec, fixedOutput } = this.derivation(`d${index}`);
      specs.push(spec);
      this.made.push({ id: spec.id, outputNames: spec.outputNames, ...(fixedOutput !== undefined ? { fixedOutput } : {}) });
    }
    return { specs, texts: this.texts };
  }

  // ---- names ----------------------------------------------------------------

  /** A valid store name: mostly short, sometimes long, sometimes exactly as long as allowed. */
  private storeName(maxLength: number): string {
    const roll = this.random.next();
    const length = roll < 0.75 ? 1 + this.random.int(12) : roll < 0.9 ? 13 + this.random.int(60) : maxLength - this.random.int(3);
    let name = "";
    for (let i = 0; i < Math.min(length, maxLength); i++) name += this.random.pick(NAME_CHARACTERS);
    // Nix refuses derivation names ending in `.drv`.
    return name.endsWith(".drv") ? `${name.slice(0, -1)}x` : name;
  }

  private outputName(): string {
    for (;;) {
      const name = this.random.chance(0.7) ? this.random.pick(COMMON_OUTPUTS) : this.storeName(6);
      if (!CLASHING_OUTPUTS.has(name)) return name;
    }
  }

  // ---- strings ----------------------------------------------------------------

  private trickyText(): string {
    let text = "";
    for (let i = this.random.int(6); i > 0; i--) text += this.random.chance(0.5) ? this.random.pick(TRICKY_FRAGMENTS) : this.storeName(20);
    if (this.random.chance(0.01)) {
      text += "long ".repeat(1000 + this.random.int(3000));
      this.tags.add("long-string");
    }
    return text;
  }

  /** A string with interpolations; `allowDerivations` is false inside `toFile` texts. */
  private stringValue(allowDerivations = true): string {
    let text = this.trickyText();
    for (let i = this.random.chance(0.45) ? 1 + this.random.int(3) : 0; i > 0; i--) {
      text += interpolate(this.interpolation(allowDerivations)) + (this.random.chance(0.5) ? this.random.pick(["/bin/sh", "/", "-", "", " "]) : "");
    }
    return text;
  }

  private nonEmptyString(): string {
    return this.stringValue() || this.storeName(10);
  }

  /** A recent derivation (chains) or any earlier one (diamonds). */
  private dependency(): Made {
    const recent = this.made.length > 3 && this.random.chance(0.5);
    return recent ? (this.made[this.made.length - 1 - this.random.int(3)] as Made) : this.random.pick(this.made);
  }

  private interpolation(allowDerivations: boolean): Interpolation {
    const roll = this.random.next();
    if (allowDerivations && this.made.length > 0 && roll < 0.5) {
      const target = this.dependency();
      const output = this.random.pick(target.outputNames);
      const kind = this.random.pick(["output", "output", "default", "outPath", "drvPath", "drvPath", "noContext"] as const);
      this.tags.add(`ref-${kind}`);
      if (target.fixedOutput !== undefined) this.tags.add("ref-fixed-output");
      if (kind === "default" || kind === "drvPath") return { kind, id: target.id };
      return { kind, id: target.id, output };
    }
    if (roll < 0.7) {
      this.tags.add("source");
      return { kind: "source", relative: this.random.pick(IMPORTABLE_SOURCES), style: this.random.chance(0.5) ? "relative" : "absolute" };
    }
    if (roll < 0.88) {
      this.tags.add("text");
      return { kind: "text", id: this.texts.length > 0 && this.random.chance(0.3) ? this.random.pick(this.texts).id : this.newText() };
    }
    this.tags.add("placeholder");
    return { kind: "placeholder", output: this.random.chance(0.7) ? this.random.pick(["out", "dev", "bin"]) : this.outputName() };
  }

  /** A new `toFile` text, which may mention sources, earlier texts and placeholders (never outputs). */
  private newText(): string {
    // Numbered before its content is made, which may make texts of its own; pushed after, so that those come first.
    const id = `t${this.textCount++}`;
    const name = this.random.chance(0.5) ? `${this.storeName(40)}.txt` : this.storeName(STORE_NAME_MAX);
    const content = this.random.chance(0.5) ? this.stringValue(false) : this.trickyText();
    this.texts.push({ id, name, content });
    return id;
  }

  // ---- values ------------------------------------------------------------------

  private integer(): number | SpecialValue {
    const roll = this.random.next();
    if (roll < 0.5) return this.random.int(1000) - 500;
    if (roll < 0.7) return 2 ** 31 + this.random.int(1000) - 500;
    if (roll < 0.85) return (this.random.chance(0.5) ? 1 : -1) * 2 ** (53 + this.random.int(10));
    this.tags.add("bigint");
    const magnitude = this.random.chance(0.2) ? 2n ** 63n - 1n : (BigInt(this.random.int(2 ** 31)) << 32n) | BigInt(this.random.int(2 ** 32));
    return new SpecialValue({ kind: "bigint", decimal: (this.random.chance(0.3) ? -magnitude : magnitude).toString() });
  }

  private float(): SpecialValue {
    this.tags.add("float");
    const roll = this.random.next();
    let number: number;
    if (roll < 0.2) {
      number = this.random.pick(TIE_FLOATS);
      this.tags.add("float-tie");
    } else if (roll < 0.5) number = (this.random.int(2_000_000) - 1_000_000) / 1000;
    else if (roll < 0.8) number = (1 + this.random.next()) * 10 ** (this.random.int(24) - 12);
    else number = this.random.int(1 << 20) / 2 ** (1 + this.random.int(30));
    // A float with an integral value prints like an integer in JavaScript; Nix would print it as a float.
    if (Number.isInteger(number)) number += 0.5;
    return new SpecialValue({ kind: "float", number: this.random.chance(0.2) ? -number : number });
  }

  private value(depth: number, structured: boolean): LiveValue {
    const roll = this.random.next();
    if (roll < 0.45) return this.stringValue();
    if (roll < 0.55) return this.integer();
    if (roll < 0.6) return this.float();
    if (roll < 0.65) return this.random.chance(0.5);
    if (roll < 0.69) return null;
    if (roll < 0.75 && this.made.length > 0) {
      const target = this.dependency();
      this.tags.add("derivation-value");
      return new SpecialValue({ kind: "derivation", id: target.id, ...(this.random.chance(0.5) ? { output: this.random.pick(target.outputNames) } : {}) });
    }
    if (roll < 0.78) {
      this.tags.add("path-value");
      return new SpecialValue({ kind: "sourcePath", relative: this.random.pick(IMPORTABLE_SOURCES) });
    }
    if (depth < 3 && roll < 0.9) {
      this.tags.add("list");
      return Array.from({ length: this.random.int(5) }, () => (this.random.chance(0.15) ? [] : this.value(depth + 1, structured)));
    }
    if (structured && depth < 3) {
      return Object.fromEntries(Array.from({ length: this.random.int(4) }, () => [this.envKey(), this.value(depth + 1, structured)]));
    }
    return this.stringValue();
  }

  private envKey(): string {
    for (;;) {
      const key = this.random.chance(0.6) ? this.storeName(20) : this.trickyText();
      if (!RESERVED_KEYS.has(key)) return key;
    }
  }

  // ---- fixed outputs ----------------------------------------------------------------

  /** A hash in one of the forms Nix reads, with `outputHashAlgo` when the form needs it (or sometimes anyway). */
  private hashAttributes(algorithm: HashAlgorithm, hash: Hash, empty: boolean): { outputHash: string; outputHashAlgo?: string } {
    if (empty) {
      this.tags.add("hash-empty");
      return { outputHash: "", outputHashAlgo: algorithm };
    }
    const format = this.random.pick(["base16", "base16-upper", "nix32", "base64", "sri", "prefixed-base16", "prefixed-nix32", "prefixed-base64"] as const);
    this.tags.add(`hash-${format}`);
    const encoded = {
      base16: () => hash.toBase16(),
      "base16-upper": () => hash.toBase16().toUpperCase(),
      nix32: () => hash.toNixBase32(),
      base64: () => hash.toBase64(),
      sri: () => hash.toSri(),
      "prefixed-base16": () => `${algorithm}:${hash.toBase16()}`,
      "prefixed-nix32": () => `${algorithm}:${hash.toNixBase32()}`,
      "prefixed-base64": () => `${algorithm}:${hash.toBase64()}`,
    }[format]();
    const selfDescribing = format === "sri" || format.startsWith("prefixed");
    return selfDescribing && this.random.chance(0.5) ? { outputHash: encoded } : { outputHash: encoded, outputHashAlgo: algorithm };
  }

  /** Name and fixed-output attributes: new, a twin of an earlier one, or one with the path of a source. */
  private fixedOutput(): { name: string; fixedOutput: NonNullable<LiveSpec["fixedOutput"]>; made: NonNullable<Made["fixedOutput"]> } {
    const earlier = this.made.filter((made) => made.fixedOutput !== undefined);
    const sources = Object.entries(this.options.sourceNarHashes ?? {});
    const roll = this.random.next();
    let fixed: NonNullable<Made["fixedOutput"]>;
    let empty = false;
    if (roll < 0.25 && earlier.length > 0) {
      this.tags.add("fixed-output-twin");
      fixed = this.random.pick(earlier).fixedOutput as NonNullable<Made["fixedOutput"]>;
    } else if (roll < 0.35 && sources.length > 0) {
      this.tags.add("fixed-output-equals-source");
      const [relative, base16] = this.random.pick(sources);
      const name = relative === "" ? this.options.sourceRootName : (relative.split("/").pop() as string);
      fixed = { name, algorithm: "sha256", mode: "recursive", hash: new Hash("sha256", Buffer.from(base16, "hex")) };
    } else {
      const algorithm = this.random.pick(ALGORITHMS);
      empty = this.random.chance(0.05);
      // A small pool of contents, so that different fixed-output derivations sometimes share a hash.
      const hash = empty ? zeroHash(algorithm) : hashString(algorithm, `content ${this.random.int(3)}`);
      fixed = { name: this.storeName(STORE_NAME_MAX - 4), algorithm, mode: this.random.pick(["flat", "recursive"]), hash };
    }
    this.tags.add(`fixed-output-${fixed.algorithm}-${fixed.mode}`);
    const mode = fixed.mode === "flat" && this.random.chance(0.4) ? {} : { outputHashMode: fixed.mode };
    return { name: fixed.name, fixedOutput: { ...this.hashAttributes(fixed.algorithm, fixed.hash, empty), ...mode }, made: fixed };
  }

  // ---- derivations ----------------------------------------------------------------

  private outputsFor(fixed: boolean): { outputs?: readonly string[]; outputNames: readonly string[] } {
    if (fixed) return this.random.chance(0.2) ? { outputs: ["out"], outputNames: ["out"] } : { outputNames: ["out"] };
    if (this.random.chance(0.65)) return { outputNames: ["out"] };
    const names = [...new Set(Array.from({ length: 1 + this.random.int(4) }, () => this.outputName()))];
    this.tags.add(names[0] === "out" ? "outputs" : "outputs-first-not-out");
    return { outputs: names, outputNames: names };
  }

  private derivation(id: string): { spec: LiveSpec; fixedOutput?: Made["fixedOutput"] } {
    this.tags = new Set();
    const structured = this.random.chance(0.15);
    if (structured) this.tags.add("structured-attrs");
    const fixed = this.random.chance(0.18);
    const { outputs, outputNames } = this.outputsFor(fixed);
    const longestSuffix = Math.max(...outputNames.map((output) => (output === "out" ? 0 : output.length + 1)));
    const { name, fixedOutput, made } = fixed ? this.fixedOutput() : { name: this.storeName(Math.min(STORE_NAME_MAX - 4, STORE_NAME_MAX - longestSuffix)), fixedOutput: undefined, made: undefined };
    if (name.length > 100) this.tags.add("long-name");

    const env: Record<string, LiveValue> = {};
    for (let i = this.random.int(6); i > 0; i--) env[this.envKey()] = this.value(0, structured);
    if (this.random.chance(0.08)) {
      env[this.random.pick(outputNames)] = this.stringValue();
      this.tags.add("env-shadows-output");
    }
    // Nix writes the system unescaped and could not read a `.drv` back with `"` or `\` in it, so neither appears;
    // with structured attributes Nix wants it without context.
    const plainSystem = structured || this.random.chance(0.6);
    const system = plainSystem ? this.random.pick(["x86_64-linux", "aarch64-darwin", "x", "my system"]) : mapLiteralText(this.nonEmptyString(), (literal) => literal.replace(/["\\]/g, "")) || "x";
    let builder: LiveValue = this.random.chance(0.3) ? this.random.pick(["/bin/sh", "builtin:fetchurl"]) : this.nonEmptyString();
    if (!structured && this.random.chance(0.15)) {
      this.tags.add("builder-not-a-string");
      builder = this.made.length > 0 && this.random.chance(0.5) ? new SpecialValue({ kind: "derivation", id: this.dependency().id }) : [this.nonEmptyString(), this.integer()];
    }
    const args = Array.from({ length: this.random.int(5) }, () => (this.random.chance(0.7) ? this.stringValue() : this.value(1, false)));
    const keys = Object.keys(env);
    const passAsFile = this.random.chance(0.1) ? [...keys.slice(0, 2), ...(this.random.chance(0.3) ? ["not-an-attribute"] : [])] : undefined;
    const ignoreNulls = this.random.chance(0.12);
    const structuredFalse = !structured && this.random.chance(0.05);
    for (const [tag, present] of [["pass-as-file", passAsFile !== undefined], ["ignore-nulls", ignoreNulls], ["structured-attrs-false", structuredFalse]] as const) {
      if (present) this.tags.add(tag);
    }
    const spec: LiveSpec = {
      id,
      tags: [...this.tags].sort(),
      name,
      system,
      builder,
      args,
      env,
      outputNames,
      ...(outputs !== undefined ? { outputs } : {}),
      ...(fixedOutput !== undefined ? { fixedOutput } : {}),
      ...(structured ? { structuredAttrs: true } : structuredFalse ? { structuredAttrs: false } : {}),
      ...(passAsFile !== undefined ? { passAsFile } : {}),
      ...(ignoreNulls ? { ignoreNulls: true } : {}),
    };
    return { spec, ...(made !== undefined ? { fixedOutput: made } : {}) };
  }
}
