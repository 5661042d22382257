/**
 * Writes generated cases as a Nix file: `let` bindings for every text and
 * derivation, and an attribute set `{ d0 = …; d1 = …; }` of the derivations.
 * Sources are path literals (`./sources/x`, `/abs/sources/x`) where the path
 * is valid as a literal, and `path + "/x"` otherwise.
 */
import { isAbsolute } from "node:path";
import { type Interpolation, type LiveCases, type LiveSpec, type LiveValue, SpecialValue, splitInterpolations } from "./live-spec.js";

/** Where the sources are: relative to the Nix file (`sources`) and absolute. */
export interface SourceLocation {
  readonly relativeDir: string;
  readonly absoluteDir: string;
}

/** Escapes text for a `"…"` Nix string. Every `$` is escaped, since `$${` would read as a literal `${`. */
function nixLiteralText(text: string): string {
  return text.replace(/[\\"$\n\r\t]/g, (character) => ({ "\\": "\\\\", '"': '\\"', $: "\\$", "\n": "\\n", "\r": "\\r", "\t": "\\t" })[character] as string);
}

/** A quoted Nix string without interpolations (also used for attribute names). */
export function nixQuoted(text: string): string {
  return `"${nixLiteralText(text)}"`;
}

const PATH_LITERAL = /^[A-Za-z0-9._+\-/]+$/;

/** A Nix path expression for a source: a path literal if possible, else a path plus a string. */
function nixSourcePath(relative: string, style: "relative" | "absolute", location: SourceLocation): string {
  const base = style === "relative" ? `./${location.relativeDir}` : location.absoluteDir;
  if (!isAbsolute(location.absoluteDir) || !PATH_LITERAL.test(base)) throw new Error(`sources directory ${base} cannot be written as a Nix path literal`);
  if (relative === "") return base;
  return PATH_LITERAL.test(relative) ? `${base}/${relative}` : `(${base} + ${nixQuoted(`/${relative}`)})`;
}

function nixInterpolation(interpolation: Interpolation, location: SourceLocation): string {
  switch (interpolation.kind) {
    case "default":
      return interpolation.id;
    case "output":
      return `${interpolation.id}.${nixQuoted(interpolation.output)}`;
    case "outPath":
      return `${interpolation.id}.${nixQuoted(interpolation.output)}.outPath`;
    case "drvPath":
      return `${interpolation.id}.drvPath`;
    case "noContext":
      return `builtins.unsafeDiscardStringContext ${interpolation.id}.${nixQuoted(interpolation.output)}.outPath`;
    case "source":
      return nixSourcePath(interpolation.relative, interpolation.style, location);
    case "text":
      return interpolation.id;
    case "placeholder":
      return `builtins.placeholder ${nixQuoted(interpolation.output)}`;
  }
}

function nixString(text: string, location: SourceLocation): string {
  const pieces = splitInterpolations(text).map((piece) => (typeof piece === "string" ? nixLiteralText(piece) : `\${${nixInterpolation(piece, location)}}`));
  return `"${pieces.join("")}"`;
}

/** A float literal Nix reads back as the same double: Nix floats need a `.` before any exponent. */
function nixFloat(value: number): string {
  const [mantissa = "", exponent = ""] = Math.abs(value).toExponential().split("e");
  const literal = `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}e${exponent}`;
  return value < 0 ? `(-${literal})` : literal;
}

function nixSpecial(special: SpecialValue, location: SourceLocation): string {
  const value = special.value;
  switch (value.kind) {
    case "float":
      return nixFloat(value.number);
    case "bigint":
      return value.decimal.startsWith("-") ? `(${value.decimal})` : value.decimal;
    case "derivation":
      return value.output === undefined ? value.id : `${value.id}.${nixQuoted(value.output)}`;
    case "sourcePath":
      return nixSourcePath(value.relative, "relative", location);
  }
}

function nixValue(value: LiveValue, location: SourceLocation): string {
  if (typeof value === "string") return nixString(value, location);
  // BigInt prints large integers exactly, where String(2 ** 60) would round to 17 digits.
  if (typeof value === "number") return value < 0 ? `(${BigInt(value)})` : BigInt(value).toString();
  if (typeof value === "boolean") return String(value);
  if (value === null) return "null";
  if (value instanceof SpecialValue) return nixSpecial(value, location);
  if (Array.isArray(value)) return `[ ${value.map((element: LiveValue) => nixValue(element, location)).join(" ")} ]`;
  const entries = Object.entries(value as Record<string, LiveValue>);
  return `{ ${entries.map(([key, element]) => `${nixQuoted(key)} = ${nixValue(element, location)};`).join(" ")} }`;
}

/** The attribute set passed to `derivation` for one spec. */
export function nixDerivationAttrs(spec: LiveSpec, location: SourceLocation): string {
  const attrs: [string, string][] = Object.entries(spec.env).map(([key, value]) => [key, nixValue(value, location)]);
  attrs.push(["name", nixQuoted(spec.name)], ["system", nixString(spec.system, location)], ["builder", nixValue(spec.builder, location)], ["args", nixValue(spec.args, location)]);
  if (spec.outputs !== undefined) attrs.push(["outputs", nixValue(spec.outputs, location)]);
  if (spec.fixedOutput !== undefined) {
    const { outputHash, outputHashAlgo, outputHashMode } = spec.fixedOutput;
    attrs.push(["outputHash", nixQuoted(outputHash)]);
    if (outputHashAlgo !== undefined) attrs.push(["outputHashAlgo", nixQuoted(outputHashAlgo)]);
    if (outputHashMode !== undefined) attrs.push(["outputHashMode", nixQuoted(outputHashMode)]);
  }
  if (spec.passAsFile !== undefined) attrs.push(["passAsFile", nixValue(spec.passAsFile, location)]);
  if (spec.structuredAttrs !== undefined) attrs.push(["__structuredAttrs", String(spec.structuredAttrs)]);
  if (spec.ignoreNulls === true) attrs.push(["__ignoreNulls", "true"]);
  return `{\n    ${attrs.map(([key, value]) => `${nixQuoted(key)} = ${value};`).join("\n    ")}\n  }`;
}

/** The whole `default.nix`. */
export function toNix(cases: LiveCases, location: SourceLocation): string {
  const lines = ["let"];
  for (const text of cases.texts) lines.push(`  ${text.id} = builtins.toFile ${nixQuoted(text.name)} ${nixString(text.content, location)};`);
  for (const spec of cases.specs) lines.push(`  ${spec.id} = derivation ${nixDerivationAttrs(spec, location)};`);
  lines.push(`in {\n  ${cases.specs.map((spec) => `inherit ${spec.id};`).join("\n  ")}\n}`);
  return `${lines.join("\n")}\n`;
}
