/**
 * Renders definition values for error messages the way nixpkgs'
 * `showDefs` does with `lib.generators.toPretty`: strings quoted, lists as
 * `[ … ]`, objects as `{ a = 1; }`, functions as `<function>`, at most five
 * lines.
 */
import { isProperty } from "../properties/property.js";

const MAX_DEPTH = 10;

function isDerivationLike(value: object): value is { name?: unknown; type: "derivation" } {
  return (value as { type?: unknown }).type === "derivation";
}

function prettyLines(value: unknown, depth: number): string[] {
  if (value === null || value === undefined) return ["null"];
  switch (typeof value) {
    case "string":
      return [JSON.stringify(value)];
    case "number":
    case "bigint":
    case "boolean":
      return [String(value)];
    case "function":
      return ["<function>"];
    case "symbol":
      return [value.toString()];
    default:
      break;
  }
  if (depth >= MAX_DEPTH) return ["<depth limit>"];
  if (isProperty(value)) return [`<${(value as { _type: string })._type}>`];
  if (isDerivationLike(value)) return [`<derivation ${String(value.name ?? "")}>`];
  if (Array.isArray(value)) {
    if (value.length === 0) return ["[ ]"];
    return ["[", ...value.flatMap((item) => prettyLines(item, depth + 1).map((line) => `  ${line}`)), "]"];
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return ["{ }"];
  const lines = ["{"];
  for (const key of keys) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    const inner = descriptor !== undefined && "value" in descriptor ? prettyLines(descriptor.value, depth + 1) : ["<getter>"];
    const name = /^[A-Za-z_][A-Za-z0-9_'-]*$/.test(key) ? key : JSON.stringify(key);
    const [first = "", ...rest] = inner;
    if (rest.length === 0) lines.push(`  ${name} = ${first};`);
    else lines.push(`  ${name} = ${first}`, ...rest.slice(0, -1).map((line) => `  ${line}`), `  ${rest[rest.length - 1] ?? ""};`);
  }
  lines.push("}");
  return lines;
}

/** The pretty-printed lines of `value`; an empty list if printing it fails. */
export function prettyValue(value: unknown): string[] {
  try {
    return prettyLines(value, 0);
  } catch {
    return [];
  }
}
