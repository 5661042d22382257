/**
 * Reading package values (`types.package`: a derivation, or a store path
 * string) the way the machine modules need them: their store path (with its
 * string context, so that text mentioning it depends on it), their name and
 * version for the activation manifest, `bin`/`sbin` search paths, and a
 * login shell's path.
 */
import type { ManifestPackage } from "@kiln/formats";
import type { PackageValue } from "../types/primitive-types.js";

/** A store path name: Nix allows only `[A-Za-z0-9+._?=-]`, and no leading `.`; others become `-`. */
export function storePathName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9+._?=-]/g, "-").replace(/^\.+/, "");
  return cleaned === "" ? "unnamed" : cleaned;
}

/** The package's (first) output path, carrying its string context. */
export function packagePath(value: PackageValue): string {
  return typeof value === "string" ? value : String(value);
}

function stringField(value: object, field: string): string | null {
  const direct = (value as Record<string, unknown>)[field];
  if (typeof direct === "string") return direct;
  const attrs = (value as { drvAttrs?: Record<string, unknown> }).drvAttrs;
  const fromAttrs = attrs?.[field];
  return typeof fromAttrs === "string" ? fromAttrs : null;
}

/** The derivation name of a package (`hello-2.12`), or a store path's name part. */
export function packageName(value: PackageValue): string {
  if (typeof value !== "string") return stringField(value, "name") ?? "unnamed";
  const base = value.slice(value.lastIndexOf("/") + 1);
  const dash = base.indexOf("-");
  return dash < 0 ? base : base.slice(dash + 1);
}

/** The manifest's record of an installed package (`kiln diff` compares them). */
export function manifestPackage(value: PackageValue): ManifestPackage {
  const isObject = typeof value !== "string";
  return {
    name: packageName(value),
    pname: isObject ? stringField(value, "pname") : null,
    version: isObject ? stringField(value, "version") : null,
    path: packagePath(value),
  };
}

/** `a/bin:b/bin` for `subdirectories` `["bin"]` (nixpkgs' `makeSearchPath`); with several, each package's in turn. */
export function searchPath(packages: readonly PackageValue[], subdirectories: readonly string[]): string {
  return packages.flatMap((value) => subdirectories.map((subdirectory) => `${packagePath(value)}/${subdirectory}`)).join(":");
}

/**
 * The login shell path of a shell given as a package or a path: the
 * package's `shellPath` (nixpkgs' convention, e.g. `/bin/bash`), else
 * `/bin/<meta.mainProgram or pname or name>`, under its store path.
 */
export function shellPath(shell: PackageValue): string {
  if (typeof shell === "string") return shell;
  const record = shell as Record<string, unknown>;
  const declared = record["shellPath"];
  if (typeof declared === "string") return `${packagePath(shell)}${declared}`;
  const meta = record["meta"] as { mainProgram?: unknown } | undefined;
  const program = typeof meta?.mainProgram === "string" ? meta.mainProgram : (stringField(shell, "pname") ?? packageName(shell));
  return `${packagePath(shell)}/bin/${program}`;
}
