/**
 * Writes generated specs as a Kiln config and as the equivalent Nix file.
 * Both express each placeholder as the interpolation it stands for.
 */
import type { DerivationSpec } from "../conformance-fixtures.js";
import type { TextSpec } from "./random-derivations.js";

const PLACEHOLDER = /\{\{(out|drvpath|outnoctx|src|text|placeholder):([^{}]*)\}\}/g;

/** Splits a string into literal text and placeholders. */
function pieces(text: string): ({ literal: string } | { kind: string; argument: string })[] {
  const result: ({ literal: string } | { kind: string; argument: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) result.push({ literal: text.slice(last, match.index) });
    result.push({ kind: match[1] as string, argument: match[2] as string });
    last = match.index + match[0].length;
  }
  if (last < text.length || result.length === 0) result.push({ literal: text.slice(last) });
  return result;
}

// ---- Nix -------------------------------------------------------------------

/** Escapes literal text for a Nix string; every `$` is escaped, since `$${` would read as a literal `${`. */
function nixLiteral(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$/g, "\\$").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
}

function nixString(text: string): string {
  let out = '"';
  for (const piece of pieces(text)) {
    if ("literal" in piece) {
      out += nixLiteral(piece.literal);
      continue;
    }
    const [id = "", output = ""] = piece.argument.split(":");
    switch (piece.kind) {
      case "out":
        out += `\${${id}.${JSON.stringify(output)}}`;
        break;
      case "drvpath":
        out += `\${${id}.drvPath}`;
        break;
      case "outnoctx":
        out += `\${builtins.unsafeDiscardStringContext ${id}.${JSON.stringify(output)}.outPath}`;
        break;
      case "src":
        out += `\${sources + ${JSON.stringify(`/${piece.argument}`)}}`;
        break;
      case "text":
        out += `\${${piece.argument}}`;
        break;
      default:
        out += `\${builtins.placeholder ${JSON.stringify(piece.argument)}}`;
    }
  }
  return `${out}"`;
}

function nixValue(value: unknown): string {
  if (typeof value === "string") return nixString(value);
  if (typeof value === "number") return value < 0 ? `(${value})` : String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value === null) return "null";
  if (Array.isArray(value)) return `[ ${value.map(nixValue).join(" ")} ]`;
  return `{ ${Object.entries(value as Record<string, unknown>).map(([key, element]) => `${nixString(key)} = ${nixValue(element)};`).join(" ")} }`;
}

function nixAttrs(spec: DerivationSpec): string {
  const attrs: [string, string][] = Object.entries(spec.env).map(([key, value]) => [key, nixValue(value)]);
  attrs.push(["name", nixString(spec.name)], ["system", nixString(spec.system)], ["builder", nixString(spec.builder)], ["args", nixValue(spec.args)]);
  if (spec.outputs !== undefined) attrs.push(["outputs", nixValue(spec.outputs)]);
  if (spec.fod !== undefined) {
    attrs.push(["outputHash", nixString(spec.fod.outputHash)]);
    if (spec.fod.outputHashAlgo !== null) attrs.push(["outputHashAlgo", nixString(spec.fod.outputHashAlgo)]);
    if (spec.fod.outputHashMode !== null) attrs.push(["outputHashMode", nixString(spec.fod.outputHashMode)]);
  }
  if (spec.passAsFile !== undefined) attrs.push(["passAsFile", nixValue(spec.passAsFile)]);
  if (spec.structuredAttrs !== undefined) attrs.push(["__structuredAttrs", nixValue(spec.structuredAttrs)]);
  if (spec.ignoreNulls === true) attrs.push(["__ignoreNulls", "true"]);
  return `{ ${attrs.map(([key, value]) => `${nixString(key)} = ${value};`).join("\n    ")} }`;
}

/** The `default.nix`: an attribute set of every derivation, by id. */
export function toNix(specs: readonly DerivationSpec[], texts: Readonly<Record<string, TextSpec>>, sourcesDir: string): string {
  const lines = ["let", `  sources = ${sourcesDir};`];
  for (const [id, text] of Object.entries(texts)) lines.push(`  ${id} = builtins.toFile ${nixString(text.name)} ${nixString(text.content)};`);
  for (const spec of specs) lines.push(`  ${spec.id} = derivation ${nixAttrs(spec)};`);
  lines.push(`in { ${specs.map((spec) => `inherit ${spec.id};`).join(" ")} }`);
  return `${lines.join("\n")}\n`;
}

// ---- TypeScript ------------------------------------------------------------

function templateLiteral(text: string): string {
  let out = "";
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    if (character === "`" || character === "\\") out += `\\${character}`;
    else if (character === "$") out += "\\$";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += character;
  }
  return out;
}

function tsString(text: string): string {
  let out = "`";
  for (const piece of pieces(text)) {
    if ("literal" in piece) {
      out += templateLiteral(piece.literal);
      continue;
    }
    const [id = "", output = ""] = piece.argument.split(":");
    switch (piece.kind) {
      case "out":
        out += `\${${id}.outputs[${JSON.stringify(output)}]}`;
        break;
      case "drvpath":
        out += `\${${id}.drvPath}`;
        break;
      case "outnoctx":
        out += `\${unsafeDiscardStringContext(${id}.outputs[${JSON.stringify(output)}].outPath)}`;
        break;
      case "src":
        out += `\${path(SOURCES + ${JSON.stringify(`/${piece.argument}`)})}`;
        break;
      case "text":
        out += `\${${piece.argument}}`;
        break;
      default:
        out += `\${placeholder(${JSON.stringify(piece.argument)})}`;
    }
  }
  return `${out}\``;
}

function tsValue(value: unknown): string {
  if (typeof value === "string") return tsString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(tsValue).join(", ")}]`;
  return `{ ${Object.entries(value as Record<string, unknown>).map(([key, element]) => `${JSON.stringify(key)}: ${tsValue(element)}`).join(", ")} }`;
}

function tsAttrs(spec: DerivationSpec): string {
  const attrs: [string, string][] = Object.entries(spec.env).map(([key, value]) => [key, tsValue(value)]);
  attrs.push(["name", tsString(spec.name)], ["system", tsString(spec.system)], ["builder", tsString(spec.builder)], ["args", tsValue(spec.args)]);
  if (spec.outputs !== undefined) attrs.push(["outputs", JSON.stringify(spec.outputs)]);
  if (spec.fod !== undefined) {
    attrs.push(["outputHash", JSON.stringify(spec.fod.outputHash)]);
    if (spec.fod.outputHashAlgo !== null) attrs.push(["outputHashAlgo", JSON.stringify(spec.fod.outputHashAlgo)]);
    if (spec.fod.outputHashMode !== null) attrs.push(["outputHashMode", JSON.stringify(spec.fod.outputHashMode)]);
  }
  if (spec.passAsFile !== undefined) attrs.push(["passAsFile", JSON.stringify(spec.passAsFile)]);
  if (spec.structuredAttrs !== undefined) attrs.push(["__structuredAttrs", String(spec.structuredAttrs)]);
  if (spec.ignoreNulls === true) attrs.push(["__ignoreNulls", "true"]);
  return `{\n    ${attrs.map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join(",\n    ")}\n  }`;
}

/** The `kiln.ts`: the same derivations, default-exported by id. */
export function toKiln(specs: readonly DerivationSpec[], texts: Readonly<Record<string, TextSpec>>, sourcesDir: string): string {
  const lines = [
    'import { derivation, path, placeholder, toFile, unsafeDiscardStringContext } from "@kiln/core";',
    `const SOURCES = ${JSON.stringify(sourcesDir)};`,
  ];
  for (const [id, text] of Object.entries(texts)) lines.push(`const ${id} = toFile(${tsString(text.name)}, ${tsString(text.content)});`);
  for (const spec of specs) lines.push(`const ${spec.id} = derivation(${tsAttrs(spec)} as never) as any;`);
  lines.push(`export default { ${specs.map((spec) => spec.id).join(", ")} };`);
  return `${lines.join("\n")}\n`;
}
