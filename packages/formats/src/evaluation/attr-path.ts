/**
 * Attribute paths (`packages.hello`, `machines."my-box".config`), as after
 * `#` on the command line and in `nix-build -A`.
 */
import { AttributeNotFoundError } from "./config-errors.js";
import { closeNames } from "../util/close-names.js";

/** Splits an attribute path at dots outside double quotes. */
export function parseAttrPath(attrPath: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < attrPath.length; i++) {
    const character = attrPath[i] as string;
    if (character === '"') quoted = !quoted;
    else if (character === "." && !quoted) {
      parts.push(current);
      current = "";
    } else current += character;
  }
  if (quoted) throw new AttributeNotFoundError(`attribute path '${attrPath}' has an unterminated quote`);
  if (attrPath !== "") parts.push(current);
  return parts;
}

/** Joins names into an attribute path, quoting names that need it. */
export function formatAttrPath(parts: readonly string[]): string {
  return parts.map((part) => (/^[A-Za-z0-9_][A-Za-z0-9_'-]*$/.test(part) ? part : JSON.stringify(part))).join(".");
}

function isSelectable(value: unknown): value is Record<string, unknown> {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}


/** Follows `attrPath` into `value`; a missing attribute is an error listing what is there. */
export function selectAttrPath(value: unknown, attrPath: string, file: string): unknown {
  let current = value;
  const parts = parseAttrPath(attrPath);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const so = formatAttrPath(parts.slice(0, i));
    if (!isSelectable(current) || !(part in current)) {
      const available = isSelectable(current) ? Object.keys(current) : [];
      const near = closeNames(part, available);
      const hint = near.length > 0 ? ` Did you mean ${near.map((name) => `'${name}'`).join(" or ")}?` : available.length > 0 ? ` It has: ${available.slice(0, 12).join(", ")}${available.length > 12 ? ", …" : ""}.` : "";
      const where = so === "" ? `in '${file}'` : `in '${so}' of '${file}'`;
      throw new AttributeNotFoundError(`attribute '${part}' in selection path '${attrPath}' not found ${where}.${hint}`);
    }
    current = current[part];
  }
  return current;
}
