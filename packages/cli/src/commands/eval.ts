/**
 * `kiln eval FILE.ts#attr`: print a config's value. Derivations show as
 * `«derivation /nix/store/….drv»`, or with `--json` as their output path,
 * as `builtins.toJSON` would.
 */
import { evaluateInConfig, evaluateInstallable, isDerivation, stripContextMarks } from "@kiln/core";
import type { Command } from "../command.js";
import { evaluateOptions, singleInstallable } from "../config-options.js";

function toJsonValue(value: unknown, seen: Set<object>): unknown {
  if (typeof value === "string") return stripContextMarks(value);
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "object" || value === null) return typeof value === "function" || value === undefined ? null : value;
  if (isDerivation(value)) return stripContextMarks(value.outPath);
  if ("outPath" in value && typeof value.outPath === "string") return stripContextMarks(value.outPath);
  if (seen.has(value)) throw new TypeError("the value contains a cycle and cannot be printed as JSON");
  seen.add(value);
  const result = Array.isArray(value)
    ? value.map((element) => toJsonValue(element, seen))
    : Object.fromEntries(Object.keys(value).map((key) => [key, toJsonValue((value as Record<string, unknown>)[key], seen)]));
  seen.delete(value);
  return result;
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
  options: [{ name: "json", type: "boolean", description: "Print JSON; derivations become their output paths" }],
  async run(args, io) {
    const evaluated = await evaluateInstallable(singleInstallable(args, "eval"), evaluateOptions(args));
    const text = evaluateInConfig(() =>
      args.options["json"] === true ? JSON.stringify(toJsonValue(evaluated.value, new Set()), null, 2) : toNixSyntax(evaluated.value, new Set()),
    );
    io.stdout.write(`${text}\n`);
    return 0;
  },
};
