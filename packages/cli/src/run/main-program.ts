/**
 * Which program `kiln run` runs, as `nix run` chooses: `meta.mainProgram`,
 * else `pname`, else the name without its version.
 */
import { parseDrvName, type Derivation } from "@kiln/core";

/** The parts of a package `kiln run` reads; plain derivations have only `name`. */
interface RunnablePackage {
  readonly name: string;
  readonly pname?: unknown;
  readonly meta?: { readonly mainProgram?: unknown };
}

/** The name part of a derivation name, as Nix's `parseDrvName` finds it. */
export function drvNameWithoutVersion(name: string): string {
  return parseDrvName(name).name;
}

/** The program name of a package: `meta.mainProgram`, `pname`, or the name without its version. */
export function mainProgramOf(pkg: Derivation): string {
  const runnable = pkg as unknown as RunnablePackage;
  const main = runnable.meta?.mainProgram;
  if (typeof main === "string" && main !== "") return main;
  if (typeof runnable.pname === "string" && runnable.pname !== "") return runnable.pname;
  return drvNameWithoutVersion(runnable.name);
}

/** The output whose `bin/` holds the programs, as nixpkgs' `lib.getBin`: `bin`, else `out`, else the first. */
export function binOutputOf(pkg: Derivation): string {
  const names = pkg.outputNames;
  if (names.includes("bin")) return "bin";
  if (names.includes("out")) return "out";
  return names[0] ?? "out";
}
