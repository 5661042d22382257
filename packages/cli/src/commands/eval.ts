/**
 * `kiln eval FILE.ts#attr`: print a config's value. Derivations show as
 * `«derivation /nix/store/….drv»`, or with `--json` as their output path,
 * as `builtins.toJSON` would; `kiln eval @kiln/pkgs --json` is the package
 * set's packages and data.
 */
import { types } from "node:util";
import { evaluateInConfig, evaluateInstallable, isDerivation, stripContextMarks } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { flag } from "../settings/typed-option.js";
import { evaluateOptions, singleInstallable } from "../config-options.js";
import { PROFILE_OPTION, profiledIfAsked } from "../profile-option.js";
import { UsageError } from "../usage-error.js";

/** What JSON cannot hold: a function, or a value inside itself (a package set's `pkgs`). */
const LEFT_OUT = Symbol("left out");

/** Whether `value` is an ordinary object or array, printed by `JSON.stringify` just as it is: not a Proxy (whose reads may answer differently each time), no class instance. */
function isPlainData(value: object): boolean {
  if (types.isProxy(value)) return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * `value` as JSON data: derivations as their output paths (as `nix eval
 * --json` prints them); functions and references back to an enclosing value
 * are left out of objects and `null` in lists, as `JSON.stringify` does for
 * functions, so that a package set prints as its packages and data.
 *
 * An ordinary object or array whose every element is already JSON data is
 * that data itself: it is not copied (a large config is mostly such data).
 */
function toJsonValue(value: unknown, enclosing: Set<object>): unknown {
  if (typeof value === "string") return stripContextMarks(value);
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "function") return LEFT_OUT;
  if (typeof value !== "object" || value === null) return value === undefined || typeof value === "symbol" ? null : value;
  if (isDerivation(value)) return stripContextMarks(value.outPath);
  if ("outPath" in value && typeof value.outPath === "string") return stripContextMarks(value.outPath);
  if (enclosing.has(value)) return LEFT_OUT;
  enclosing.add(value);
  let same = isPlainData(value);
  let result: unknown;
  if (Array.isArray(value)) {
    const converted = value.map((element) => {
      const json = toJsonValue(element, enclosing);
      const printed = json === LEFT_OUT ? null : json;
      if (printed !== element) same = false;
      return printed;
    });
    result = same ? value : converted;
  } else {
    const keys = Object.keys(value);
    const converted: unknown[] = new Array(keys.length);
    for (let index = 0; index < keys.length; index++) {
      const element = (value as Record<string, unknown>)[keys[index] as string];
      const json = toJsonValue(element, enclosing);
      if (json !== element) same = false;
      converted[index] = json;
    }
    if (same) result = value;
    else {
      const entries: [string, unknown][] = [];
      for (let index = 0; index < keys.length; index++) if (converted[index] !== LEFT_OUT) entries.push([keys[index] as string, converted[index]]);
      result = Object.fromEntries(entries);
    }
  }
  enclosing.delete(value);
  return result;
}

/** The JSON text of a config's value; a function has none, as in `nix eval --json`. */
function toJson(value: unknown, what: string): string {
  const converted = toJsonValue(value, new Set());
  if (converted === LEFT_OUT) throw new UsageError(`'${what}' is a function, which cannot be printed as JSON; select one of its attributes, or call it in the config`);
  return JSON.stringify(converted, null, 2);
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
    const text = await profiledIfAsked(settings, io, async () => {
      const evaluated = await evaluateInstallable(singleInstallable(settings, "eval"), evaluateOptions(settings, settings.positionals[0]));
      return evaluateInConfig(() => (settings.json ? toJson(evaluated.value, settings.positionals[0] as string) : toNixSyntax(evaluated.value, new Set())));
    });
    io.stdout.write(`${text}\n`);
    return 0;
  },
});
