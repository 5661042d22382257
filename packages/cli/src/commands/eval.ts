/**
 * `kiln eval FILE.ts#attr`: print a config's value. Derivations show as
 * `«derivation /nix/store/….drv»`, or with `--json` as their output path,
 * as `builtins.toJSON` would; `kiln eval @kiln/pkgs --json` is the package
 * set's packages and data.
 */
import { evaluateInConfig, evaluateInstallable, isDerivation, stripContextMarks } from "@kiln/core";
import { configAttributeNames } from "@kiln/modules";
import { defineCommand } from "../settings/define-command.js";
import { flag } from "../settings/typed-option.js";
import { evaluateOptions, singleInstallable } from "../config-options.js";
import { PROFILE_OPTION, profiledIfAsked } from "../profile-option.js";
import { UsageError } from "../usage-error.js";

/**
 * Appends the JSON text of `value` to `out`, laid out as `JSON.stringify(…,
 * null, 2)` lays it out; false when the value is left out. Derivations are
 * their output paths (as `nix eval --json` prints them); functions and
 * references back to an enclosing value are left out of objects and `null`
 * in lists, as `JSON.stringify` does for functions, so that a package set
 * prints as its packages and data; `undefined` is `null`, a bigint a number.
 *
 * Written directly rather than converted to plain data for `JSON.stringify`:
 * a config is mostly lazy proxies, whose copies (an object per attribute set,
 * with a hidden class of its own when its names are unique) were most of what
 * printing cost.
 */
function writeJson(value: unknown, enclosing: Set<object>, depth: number, out: JsonText): boolean {
  if (typeof value === "string") out.pieces.push(JSON.stringify(stripContextMarks(value)));
  else if (typeof value === "bigint") out.pieces.push(JSON.stringify(Number(value)));
  else if (typeof value === "function") return false;
  else if (typeof value !== "object" || value === null) out.pieces.push(value === undefined || typeof value === "symbol" ? "null" : JSON.stringify(value));
  // `outPath` first, as `builtins.toJSON` looks for nothing else: a derivation without one is an attribute set, and reading
  // `type` of every attribute set (config proxies, objects with names of their own) cost more than the rest of the check.
  else if ("outPath" in value && typeof value.outPath === "string") out.pieces.push(JSON.stringify(stripContextMarks(value.outPath)));
  else if ("outPath" in value && isDerivation(value)) out.pieces.push(JSON.stringify(stripContextMarks(value.outPath)));
  else if (enclosing.has(value)) return false;
  else {
    enclosing.add(value);
    out.compact();
    const first = lineBreak(depth + 1, false);
    const next = lineBreak(depth + 1, true);
    if (Array.isArray(value)) {
      out.pieces.push("[");
      for (let index = 0; index < value.length; index++) {
        // Through `out` each time: writing an element may have compacted the pieces into a new list.
        out.pieces.push(index === 0 ? first : next);
        if (!writeJson(value[index], enclosing, depth + 1, out)) out.pieces.push("null");
      }
      out.pieces.push(value.length === 0 ? "]" : `${lineBreak(depth, false)}]`);
    } else {
      out.pieces.push("{");
      let written = 0;
      // A module system's lazy config lists its names itself: `Object.keys` of its proxy asks for a descriptor of each.
      for (const key of inObjectOrder(configAttributeNames(value) ?? Object.keys(value))) {
        // Only a value left out at once (a function, a reference back) returns false, before writing anything: the two pieces are the last.
        out.pieces.push(written === 0 ? first : next, `${JSON.stringify(key)}: `);
        if (writeJson((value as Record<string, unknown>)[key], enclosing, depth + 1, out)) written++;
        else out.pieces.length -= 2;
      }
      out.pieces.push(written === 0 ? "}" : `${lineBreak(depth, false)}}`);
    }
    enclosing.delete(value);
  }
  return true;
}

/** Text being written: pieces, joined into chunks now and then so that a large value is not kept as hundreds of thousands of small strings. */
class JsonText {
  readonly #chunks: string[] = [];
  pieces: string[] = [];

  /** Joins the pieces so far into one chunk, when there are many. */
  compact(): void {
    if (this.pieces.length < 4096) return;
    this.#chunks.push(this.pieces.join(""));
    this.pieces = [];
  }

  /** The whole text, as the chunks it was joined into (a large value's text is not joined again into one string to write). */
  chunks(): readonly string[] {
    this.#chunks.push(this.pieces.join(""));
    this.pieces = [];
    return this.#chunks;
  }
}

const lineBreaks: string[] = [];

/** A line break (after a comma) and the indentation of `depth`, as `JSON.stringify(…, null, 2)` writes them; made once per depth. */
function lineBreak(depth: number, afterComma: boolean): string {
  const slot = depth * 2 + (afterComma ? 1 : 0);
  return (lineBreaks[slot] ??= `${afterComma ? "," : ""}\n${"  ".repeat(depth)}`);
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

function isArrayIndex(key: string): boolean {
  // Most names start with a letter: no pattern to match for them.
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && ARRAY_INDEX.test(key) && Number(key) < 4294967295;
}

/** Names in the order a JavaScript object keeps them (array indices first, ascending), as printing a copy of a proxy's attributes did. */
function inObjectOrder(keys: readonly string[]): readonly string[] {
  if (!keys.some(isArrayIndex)) return keys;
  const indices = keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return [...indices, ...keys.filter((key) => !isArrayIndex(key))];
}

/** The JSON text of a config's value, in chunks; a function has none, as in `nix eval --json`. */
function toJson(value: unknown, what: string): readonly string[] {
  const out = new JsonText();
  if (!writeJson(value, new Set(), 0, out)) throw new UsageError(`'${what}' is a function, which cannot be printed as JSON; select one of its attributes, or call it in the config`);
  return out.chunks();
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;

/** Prints a value in Nix syntax, as `nix eval` does. */
function toNixSyntax(value: unknown, seen: Set<object>): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(stripContextMarks(value)).replace(/\$\{/g, "\\${");
    case "number":
    case "bigint":
    case "boolean":
      return String(value);
    case "undefined":
      return "null";
    case "function":
      return "«lambda»";
    case "symbol":
      return "«symbol»";
    default:
      break;
  }
  if (typeof value !== "object" || value === null) return "null";
  if (isDerivation(value)) return `«derivation ${value.drvPath}»`;
  if (seen.has(value)) return "«repeated»";
  seen.add(value);
  let printed: string;
  if (Array.isArray(value)) printed = `[ ${value.map((element) => toNixSyntax(element, seen)).join(" ")}${value.length > 0 ? " " : ""}]`;
  else if ("outPath" in value && typeof value.outPath === "string") printed = toNixSyntax(value.outPath, seen);
  else {
    const entries = Object.keys(value).map((key) => `${IDENTIFIER.test(key) ? key : JSON.stringify(key)} = ${toNixSyntax((value as Record<string, unknown>)[key], seen)};`);
    printed = `{ ${entries.join(" ")}${entries.length > 0 ? " " : ""}}`;
  }
  seen.delete(value);
  return printed;
}

export const evalCommand = defineCommand({
  name: "eval",
  summary: "Print the value of a config or one of its attributes",
  usage: "eval FILE.ts[#attr.path] [--json]",
  options: [flag("json", { description: "Print JSON: derivations become their output paths; functions (and a package set's 'pkgs', which is the set itself) are left out" }), PROFILE_OPTION],
  async run(settings, io) {
    // Printing forces what is lazy: it is part of the evaluation profiled.
    const chunks = await profiledIfAsked(settings, io, async () => {
      const evaluated = await evaluateInstallable(singleInstallable(settings, "eval"), evaluateOptions(settings, settings.positionals[0]));
      return evaluateInConfig(() => (settings.json ? toJson(evaluated.value, settings.positionals[0] as string) : [toNixSyntax(evaluated.value, new Set())]));
    });
    // Written once the whole text is known (an error while printing leaves no half-written output), chunk by chunk: the
    // text of a large configuration is not copied into one string, and that again with the line break, to be written.
    for (const chunk of chunks) io.stdout.write(chunk);
    io.stdout.write("\n");
    return 0;
  },
});
