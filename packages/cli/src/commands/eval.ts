/**
 * `kiln eval FILE.ts#attr`: print a config's value. Derivations show as
 * `«derivation /nix/store/….drv»`, or with `--json` as their output path,
 * as `builtins.toJSON` would; `kiln eval @kiln/pkgs --json` is the package
 * set's packages and data.
 */
import { evaluateInConfig, evaluateInstallable, isDerivation, stripContextMarks } from "@kiln/core";
import type { Command } from "../command.js";
import { evaluateOptions, singleInstallable } from "../config-options.js";
import { PROFILE_OPTION, profiledIfAsked } from "../profile-option.js";
import { UsageError } from "../usage-error.js";

/** What JSON cannot hold: a function, or a value inside itself (a package set's `pkgs`). */
const LEFT_OUT = Symbol("left out");

/**
 * `value` as JSON data: derivations as their output paths (as `nix eval
 * --json` prints them); functions and references back to an enclosing value
 * are left out of objects and `null` in lists, as `JSON.stringify` does for
 * functions, so that a package set prints as its packages and data.
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
  let result: unknown;
  if (Array.isArray(value)) {
    result = value.map((element) => {
      const converted = toJsonValue(element, enclosing);
      return converted === LEFT_OUT ? null : converted;
    });
  } else {
    const entries: [string, unknown][] = [];
    for (const key of Object.keys(value)) {
      const converted = toJsonValue((value as Record<string, unknown>)[key], enclosing);
      if (converted !== LEFT_OUT) entries.push([key, converted]);
    }
    result = Object.fromEntries(entries);
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

export const evalCommand: Command = {
  name: "eval",
  summary: "Print the value of a config or one of its attributes",
  usage: "eval FILE.ts[#attr.path] [--json]",
  options: [{ name: "json", type: "boolean", description: "Print JSON: derivations become their output paths; functions (and a package set's 'pkgs', which is the set itself) are left out" }, PROFILE_OPTION],
  async run(args, io) {
    // Printing forces what is lazy: it is part of the evaluation profiled.
    const text = await profiledIfAsked(args, io, async () => {
      const evaluated = await evaluateInstallable(singleInstallable(args, "eval"), evaluateOptions(args, args.positionals[0]));
      return evaluateInConfig(() => (args.options["json"] === true ? toJson(evaluated.value, args.positionals[0] as string) : toNixSyntax(evaluated.value, new Set())));
    });
    io.stdout.write(`${text}\n`);
    return 0;
  },
};
