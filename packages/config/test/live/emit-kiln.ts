/**
 * Writes generated cases as a Kiln config: a `kiln.ts` whose default export
 * is `{ d0, d1, … }`. Strings are template literals or `+` concatenations
 * (chosen by a seeded generator), as users write both.
 */
import { join } from "node:path";
import { type Interpolation, type LiveCases, type LiveSpec, type LiveValue, SpecialValue, splitInterpolations } from "./live-spec.js";
import type { SourceLocation } from "./emit-nix.js";
import { SeededRandom } from "./seeded-random.js";

/** Escapes text for a template literal; control characters as `\u` escapes, since a raw CR would read as LF. */
function templateText(text: string): string {
  let out = "";
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    if (character === "`" || character === "\\" || character === "$") out += `\\${character}`;
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += character;
  }
  return out;
}

class KilnEmitter {
  private readonly random: SeededRandom;

  constructor(
    seed: number,
    private readonly location: SourceLocation,
  ) {
    this.random = new SeededRandom(seed ^ 0x5bd1e995);
  }

  private sourcePath(relative: string, style: "relative" | "absolute"): string {
    const location = style === "relative" ? `./${this.location.relativeDir}` : this.location.absoluteDir;
    return `path(${JSON.stringify(relative === "" ? location : style === "relative" ? `${location}/${relative}` : join(location, relative))})`;
  }

  private interpolation(interpolation: Interpolation): string {
    switch (interpolation.kind) {
      case "default":
        return interpolation.id;
      case "output":
        return `${interpolation.id}.outputs[${JSON.stringify(interpolation.output)}]`;
      case "outPath":
        return `${interpolation.id}.outputs[${JSON.stringify(interpolation.output)}].outPath`;
      case "drvPath":
        return `${interpolation.id}.drvPath`;
      case "noContext":
        return `unsafeDiscardStringContext(${interpolation.id}.outputs[${JSON.stringify(interpolation.output)}].outPath)`;
      case "source":
        return this.sourcePath(interpolation.relative, interpolation.style);
      case "text":
        return interpolation.id;
      case "placeholder":
        return `placeholder(${JSON.stringify(interpolation.output)})`;
    }
  }

  string(text: string): string {
    const pieces = splitInterpolations(text);
    if (pieces.length > 1 && this.random.chance(0.3)) {
      const terms = pieces.map((piece) => (typeof piece === "string" ? JSON.stringify(piece) : this.interpolation(piece)));
      return `(${typeof pieces[0] === "string" ? "" : '"" + '}${terms.join(" + ")})`;
    }
    return `\`${pieces.map((piece) => (typeof piece === "string" ? templateText(piece) : `\${${this.interpolation(piece)}}`)).join("")}\``;
  }

  private special(special: SpecialValue): string {
    const value = special.value;
    switch (value.kind) {
      case "float":
        return String(value.number);
      case "bigint":
        return `${value.decimal}n`;
      case "derivation":
        return value.output === undefined ? value.id : `${value.id}.outputs[${JSON.stringify(value.output)}]`;
      case "sourcePath":
        return this.sourcePath(value.relative, "relative");
    }
  }

  value(value: LiveValue): string {
    if (typeof value === "string") return this.string(value);
    // BigInt prints large integers exactly, where String(2 ** 60) would round to 17 digits.
    if (typeof value === "number") return BigInt(value).toString();
    if (typeof value === "boolean") return String(value);
    if (value === null) return "null";
    if (value instanceof SpecialValue) return this.special(value);
    if (Array.isArray(value)) return `[${value.map((element: LiveValue) => this.value(element)).join(", ")}]`;
    return `{ ${Object.entries(value as Record<string, LiveValue>).map(([key, element]) => `${JSON.stringify(key)}: ${this.value(element)}`).join(", ")} }`;
  }

  derivationAttrs(spec: LiveSpec): string {
    const attrs: [string, string][] = Object.entries(spec.env).map(([key, value]) => [key, this.value(value)]);
    attrs.push(["name", JSON.stringify(spec.name)], ["system", this.string(spec.system)], ["builder", this.value(spec.builder)], ["args", this.value(spec.args)]);
    if (spec.outputs !== undefined) attrs.push(["outputs", JSON.stringify(spec.outputs)]);
    if (spec.fixedOutput !== undefined) {
      const { outputHash, outputHashAlgo, outputHashMode } = spec.fixedOutput;
      attrs.push(["outputHash", JSON.stringify(outputHash)]);
      if (outputHashAlgo !== undefined) attrs.push(["outputHashAlgo", JSON.stringify(outputHashAlgo)]);
      if (outputHashMode !== undefined) attrs.push(["outputHashMode", JSON.stringify(outputHashMode)]);
    }
    if (spec.passAsFile !== undefined) attrs.push(["passAsFile", JSON.stringify(spec.passAsFile)]);
    if (spec.structuredAttrs !== undefined) attrs.push(["__structuredAttrs", String(spec.structuredAttrs)]);
    if (spec.ignoreNulls === true) attrs.push(["__ignoreNulls", "true"]);
    return `{\n  ${attrs.map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join(",\n  ")}\n}`;
  }
}

/** The whole `kiln.ts`. */
export function toKiln(cases: LiveCases, seed: number, location: SourceLocation): string {
  const emitter = new KilnEmitter(seed, location);
  const lines = ['import { derivation, path, placeholder, toFile, unsafeDiscardStringContext } from "@kiln/core";'];
  for (const text of cases.texts) lines.push(`const ${text.id} = toFile(${JSON.stringify(text.name)}, ${emitter.string(text.content)});`);
  // Configs are not type-checked when loaded; `as any` lets the emitted code index outputs by any name.
  for (const spec of cases.specs) lines.push(`const ${spec.id}: any = derivation(${emitter.derivationAttrs(spec)} as any);`);
  lines.push(`export default { ${cases.specs.map((spec) => spec.id).join(", ")} };`);
  return `${lines.join("\n")}\n`;
}
