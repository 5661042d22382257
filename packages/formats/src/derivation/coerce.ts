/**
 * Turning attribute values into the strings of a derivation's environment.
 *
 * Nix coerces with `coerceMore`: integers print in decimal, `true` becomes
 * `"1"`, `false` and `null` become `""`, lists are joined by spaces, and a
 * derivation (anything with `outPath`) becomes its output path. Structured
 * attributes instead print every value as JSON with Nix's own JSON writer.
 * Both collect the string context of what they print.
 */
import { compareUtf8 } from "../util/compare-utf8.js";
import { formatCFixed, formatCGeneral } from "../util/c-number-format.js";
import { hasOwnContext, takeStringContext, ADD_OWN_CONTEXT, type StringContext } from "./context.js";
import { DerivationError } from "./derivation-error.js";
import { isSecret, secretAsStringHint } from "../secrets/secret.js";
import { isSecretTemplate } from "../secrets/secret-template.js";

/** A value that can be passed as a derivation attribute. */
export type DerivationAttrValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | { readonly outPath: string }
  | readonly DerivationAttrValue[]
  | { readonly [key: string]: DerivationAttrValue };

/** Where a coercion happens, for error messages. */
export interface CoercionSite {
  readonly derivationName: string;
  readonly attribute: string;
  readonly context: StringContext;
  readonly storeDir: string;
}

function fail(site: CoercionSite, problem: string): never {
  throw new DerivationError(`derivation '${site.derivationName}': attribute '${site.attribute}': ${problem}`);
}

/** A secret (or template) passed as a value would put what it stands for in doubt: refused, saying what to write. */
function refuseSecrets(value: object, site: CoercionSite): void {
  if (isSecret(value)) fail(site, secretAsStringHint(value));
  if (isSecretTemplate(value)) fail(site, `secretTemplate '${value.name}' is not a string: use its path (\`\${template}\` or template.path, "${value.path}")`);
}

function describe(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return "an object without 'outPath'";
  return typeof value;
}

/** Prints a number as Nix prints an integer or (`std::to_string`) a float. */
function numberToString(value: number): string {
  if (Number.isInteger(value)) return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  return formatCFixed(value);
}

function hasOutPath(value: object): value is { readonly outPath: unknown } {
  return "outPath" in value;
}

/** Whether `value` is an object with a `toString` of its own (a URL, say), not `Object.prototype`'s. */
function hasCustomToString(value: object): boolean {
  return typeof (value as { toString?: unknown }).toString === "function" && (value as { toString: unknown }).toString !== Object.prototype.toString;
}

/** Coerces `value` to a string as Nix's `coerceToString(…, coerceMore = true)`, collecting its context. */
export function coerceToString(value: unknown, site: CoercionSite): string {
  switch (typeof value) {
    case "string":
      return takeStringContext(value, site.context, site.storeDir);
    case "number":
      return numberToString(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "1" : "";
    case "object": {
      if (value === null) return "";
      if (Array.isArray(value)) return coerceList(value, site);
      // A derivation or one of its outputs knows its context: no need to scan its path for it.
      const known = hasOwnContext(value) ? value[ADD_OWN_CONTEXT](site.context, site.storeDir) : undefined;
      if (known !== undefined) return known;
      refuseSecrets(value, site);
      if (hasOutPath(value)) {
        if (typeof value.outPath !== "string") fail(site, "its 'outPath' is not a string");
        return takeStringContext(value.outPath, site.context, site.storeDir);
      }
      if (hasCustomToString(value)) return takeStringContext(String(value), site.context, site.storeDir);
      return fail(site, `cannot coerce ${describe(value)} to a string`);
    }
    default:
      return fail(site, `cannot coerce ${describe(value)} to a string`);
  }
}

/**
 * Joins list elements with spaces. Nix's quirk, kept for identical output: no
 * space follows an element that is itself an empty list.
 */
function coerceList(list: readonly unknown[], site: CoercionSite): string {
  let out = "";
  for (let i = 0; i < list.length; i++) {
    const element = list[i];
    out += coerceToString(element, site);
    if (i < list.length - 1 && !(Array.isArray(element) && element.length === 0)) out += " ";
  }
  return out;
}

/** Quotes a string as Nix 2.8's JSON writer: only `"`, `\`, and control characters are escaped. */
export function nixJsonString(text: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 32 && code !== 34 && code !== 92) continue;
    out += text.slice(from, i);
    from = i + 1;
    if (code === 34) out += '\\"';
    else if (code === 92) out += "\\\\";
    else if (code === 10) out += "\\n";
    else if (code === 13) out += "\\r";
    else if (code === 9) out += "\\t";
    else out += `\\u${code.toString(16).padStart(4, "0")}`;
  }
  return `${out}${text.slice(from)}"`;
}

/** Prints `value` as Nix's `printValueAsJSON` for structured attributes, collecting its context. */
export function coerceToJson(value: unknown, site: CoercionSite): string {
  switch (typeof value) {
    case "string":
      return nixJsonString(takeStringContext(value, site.context, site.storeDir));
    case "number":
      return Number.isInteger(value) ? numberToString(value) : formatCGeneral(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "null";
    case "object": {
      if (value === null) return "null";
      const known = hasOwnContext(value) ? value[ADD_OWN_CONTEXT](site.context, site.storeDir) : undefined;
      if (known !== undefined) return nixJsonString(known);
      refuseSecrets(value, site);
      if (Array.isArray(value)) return `[${value.map((element) => coerceToJson(element, site)).join(",")}]`;
      if (hasOutPath(value)) return coerceToJson(value.outPath, site);
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort(compareUtf8);
      return `{${keys.map((key) => `${nixJsonString(key)}:${coerceToJson(record[key], site)}`).join(",")}}`;
    }
    default:
      return fail(site, `cannot convert ${describe(value)} to JSON`);
  }
}
