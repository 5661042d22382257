/**
 * An installable as the command line names it, `FILE.ts#attr.path`, like
 * Nix's `FILE#attr`: which config file and which attribute. Kept apart from
 * the loader so that a cached evaluation can find its config without it.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** Splits `file.ts#a.b` into the file and the attribute path. */
export function parseInstallable(reference: string): { file: string; attrPath: string | undefined } {
  const hash = reference.indexOf("#");
  if (hash < 0) return { file: reference, attrPath: undefined };
  return { file: reference.slice(0, hash) || ".", attrPath: reference.slice(hash + 1) };
}

/** The config file a reference means: a directory means its `kiln.ts`. */
export function resolveConfigFile(file: string): string {
  const absolute = resolve(file);
  if (existsSync(absolute) && statSync(absolute).isDirectory()) return join(absolute, "kiln.ts");
  return absolute;
}
