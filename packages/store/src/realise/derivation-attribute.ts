/**
 * A string attribute of a derivation as the realiser reads it: from the
 * environment, or, for a derivation with structured attributes (where
 * every attribute is inside `__json`, as Nix passes them), from there, so
 * that Kiln's own attributes (`kilnBuildRoot`, `kilnImpureHostPaths`) work
 * either way, as Nix reads `__impureHostDeps` from either.
 */
import type { Drv } from "@kiln/formats";

/** The string (or list of strings, joined by spaces) attribute `name` of `drv`, or `undefined`. */
export function derivationAttribute(drv: Drv, name: string): string | undefined {
  const plain = drv.env.get(name);
  if (plain !== undefined) return plain;
  const json = drv.env.get("__json");
  if (json === undefined) return undefined;
  let value: unknown;
  try {
    value = (JSON.parse(json) as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value.join(" ");
  return undefined;
}
