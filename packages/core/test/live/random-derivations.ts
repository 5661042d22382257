/**
 * Random derivation specs for the live conformance test, in the fixtures'
 * spec format (placeholders such as `{{out:d3:dev}}` stand for interpolations),
 * and their translation to a Kiln `kiln.ts` and to a Nix `default.nix`.
 */
import { hashString, type HashAlgorithm } from "../../src/index.js";
import type { DerivationSpec } from "../conformance-fixtures.js";

/** A small seeded generator (mulberry32), so a failure reproduces from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._?=";
const TRICKY = ['"', "\\", "\n", "\r", "\t", "$", "${", "''", "`", "{", "}", "é", "中", "😀", "𝄞", "\u0001", "\u001b", "\u007f", "\u2028", " ", "$$", "\\n", "@", "#"];
const RESERVED = new Set(["name", "system", "builder", "args", "outputs", "outputHash", "outputHashAlgo", "outputHashMode", "__structuredAttrs", "__ignoreNulls", "passAsFile", "__proto__", "__contentAddressed", "__impure"]);

/** The local sources tree both sides import with `path()` / path literals. */
export const SOURCE_FILES: Readonly<Record<string, string>> = {
  "hello.txt": "hello\n",
  "script.sh": "#!/bin/sh\necho hi\n",
  "dir/a.txt": "a\n",
  "dir/nested/b.txt": "b\n",
  "odd name+=?.txt": "odd\n",
};
export const SOURCE_EXECUTABLES = ["script.sh"];
export const SOURCE_SYMLINKS: Readonly<Record<string, string>> = { "dir/link": "a.txt" };
export const SOURCE_EMPTY_DIRS = ["dir/empty"];
/** What specs may import (names valid as store names). */
const IMPORTABLE = ["hello.txt", "script.sh", "dir", "dir/nested", "dir/a.txt"];

export interface TextSpec {
  readonly name: string;
  readonly content: string;
}

export interface GeneratedSpecs {
  readonly specs: DerivationSpec[];
  readonly texts: Record<string, TextSpec>;
}

/** Generates `count` derivations (each may depend on earlier ones) and a few text files. */
export function generateSpecs(seed: number, count: number): GeneratedSpecs {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number): boolean => random() < p;
  const int = (max: number): number => Math.floor(random() * max);
  const made: { id: string; outputs: string[] }[] = [];
  const texts: Record<string, TextSpec> = {};

  const name = (): string => {
    let text = "";
    const length = 1 + int(chance(0.1) ? 120 : 20);
    for (let i = 0; i < length; i++) text += pick([...NAME_CHARS]);
    return text.endsWith(".drv") ? `${text}x` : text;
  };

  const placeholderFor = (): string => {
    const roll = random();
    if (made.length > 0 && roll < 0.35) {
      const target = made.length > 3 && chance(0.5) ? (made[made.length - 1 - int(3)] as (typeof made)[number]) : pick(made);
      return `{{out:${target.id}:${pick(target.outputs)}}}`;
    }
    if (made.length > 0 && roll < 0.45) return `{{drvpath:${pick(made).id}}}`;
    if (made.length > 0 && roll < 0.5) {
      const target = pick(made);
      return `{{outnoctx:${target.id}:${pick(target.outputs)}}}`;
    }
    if (roll < 0.65) return `{{src:${pick(IMPORTABLE)}}}`;
    if (roll < 0.8) {
      const id = `t${Object.keys(texts).length}`;
      const refersToSource = chance(0.4);
      texts[id] = { name: `${name()}.txt`, content: `${refersToSource ? `uses {{src:${pick(IMPORTABLE)}}} ` : ""}${trickyText()}` };
      return `{{text:${id}}}`;
    }
    return `{{placeholder:${pick(["out", "dev", "bin"])}}}`;
  };

  const trickyText = (): string => {
    let text = "";
    const parts = int(6);
    for (let i = 0; i < parts; i++) text += chance(0.5) ? pick(TRICKY) : name();
    return text;
  };

  const stringValue = (): string => {
    let text = trickyText();
    if (chance(0.4)) text += placeholderFor();
    if (chance(0.2)) text += trickyText();
    return text;
  };

  const value = (depth: number, structured: boolean): unknown => {
    const roll = random();
    if (roll < 0.55) return stringValue();
    if (roll < 0.65) return int(2) === 0 ? int(1000) - 500 : 2 ** 31 + int(1000);
    if (roll < 0.72) return chance(0.5);
    if (roll < 0.77) return null;
    if (depth < 2 && roll < 0.92) return Array.from({ length: int(4) }, () => value(depth + 1, structured));
    if (structured && depth < 2) return Object.fromEntries(Array.from({ length: int(3) }, () => [envKey(), value(depth + 1, structured)]));
    return stringValue();
  };

  const envKey = (): string => {
    for (;;) {
      const key = chance(0.7) ? name() : trickyText();
      if (!RESERVED.has(key) && !key.includes("\u0000")) return key;
    }
  };

  const specs: DerivationSpec[] = [];
  for (let index = 0; index < count; index++) {
    const id = `d${index}`;
    const structured = chance(0.12);
    const fixed = !structured && chance(0.15);
    const outputs = fixed ? ["out"] : chance(0.25) ? [...new Set([pick(["out", "bin", "dev"]), ...Array.from({ length: 1 + int(3) }, () => pick(["out", "dev", "lib", "man", "doc", "x-y", "a.b"]))])] : undefined;
    const env: Record<string, unknown> = {};
    for (let i = int(6); i > 0; i--) env[envKey()] = value(0, structured);
    let fod: DerivationSpec["fod"];
    if (fixed) {
      const algorithm = pick<HashAlgorithm>(["sha1", "sha256", "sha512", "sha256"]);
      const mode = chance(0.5) ? "recursive" : "flat";
      const hash = hashString(algorithm, `content ${int(1_000_000)}`);
      // Every form Nix reads: bare (needs outputHashAlgo), prefixed, SRI.
      const format = pick(["base16", "nix32", "base64", "sri", "prefixed16", "prefixed32"]);
      const outputHash =
        format === "base16" ? hash.toBase16() : format === "nix32" ? hash.toNixBase32() : format === "base64" ? hash.toBase64() : format === "sri" ? hash.toSri() : format === "prefixed16" ? `${algorithm}:${hash.toBase16()}` : `${algorithm}:${hash.toNixBase32()}`;
      const selfDescribing = format === "sri" || format.startsWith("prefixed");
      fod = { outputHash, outputHashAlgo: selfDescribing && chance(0.5) ? null : algorithm, outputHashMode: chance(0.3) && mode === "flat" ? null : mode };
    }
    const spec: DerivationSpec = {
      id,
      tags: [],
      name: name(),
      // Structured attributes want a system without context.
      // Nix writes the system unescaped and cannot read back one holding `"` or `\`, so neither appears.
      system: structured ? pick(["x86_64-linux", "aarch64-darwin", "my system"]) : pick(["x86_64-linux", "aarch64-darwin", "x", stringValue().replace(/["\\]/g, "")]) || "x",
      builder: pick(["/bin/sh", "builtin:fetchurl", stringValue()]) || "/bin/sh",
      args: Array.from({ length: int(4) }, () => (chance(0.8) ? stringValue() : int(50))),
      env,
      ...(outputs !== undefined ? { outputs } : {}),
      ...(fod !== undefined ? { fod } : {}),
      ...(structured ? { structuredAttrs: true } : chance(0.05) ? { structuredAttrs: false } : {}),
      ...(chance(0.1) ? { passAsFile: Object.keys(env).slice(0, 2) } : {}),
      ...(chance(0.1) ? { ignoreNulls: true } : {}),
    };
    specs.push(spec);
    made.push({ id, outputs: outputs ?? ["out"] });
  }
  return { specs, texts };
}
