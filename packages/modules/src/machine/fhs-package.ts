/**
 * Packages whose programs run in an environment of their own, such as the
 * Debian packages of `@kiln/debian`: under bubblewrap, with their closure as
 * `/usr`, `/lib` and `/etc`, and the host's `/run`, `/var` and the store
 * visible (nixpkgs' `buildFHSEnv`). A module that runs such a package as a
 * service cannot hand it files in the host's `/etc`, and must call its
 * helper programs inside the environment; it recognises one by its runner
 * (`fhsRun`), as modules recognise `withPackages`, without depending on the
 * package set that made it.
 */
import type { PackageValue } from "../types/primitive-types.js";
import { packagePath } from "../target/package-values.js";

/** A package with a runner: `fhsRun PROGRAM ARGS…` runs `PROGRAM` (a path inside its environment) there. */
export interface FhsPackage {
  readonly fhsRun: string;
}

/**
 * The merged tree of a package's environment (its closure's files, as the
 * program sees them at `/`): `<out>/root` of the environments of
 * `@kiln/debian`.
 */
export function fhsRoot(value: PackageValue & FhsPackage): string {
  return `${packagePath(value)}/root`;
}

/** A package that makes one environment of itself and others (a Debian package of `@kiln/debian`), as nixpkgs' `python3.withPackages`. */
export interface PackageWithPackages {
  withPackages(others: readonly PackageValue[]): PackageValue;
}

/** Whether `value` has `withPackages`. */
export function hasWithPackages(value: PackageValue): value is PackageValue & PackageWithPackages {
  return typeof value === "object" && typeof (value as Partial<PackageWithPackages>).withPackages === "function";
}

/** Whether `value` runs its programs in an environment of its own. */
export function isFhsPackage(value: PackageValue): value is PackageValue & FhsPackage {
  return typeof value === "object" && typeof (value as Partial<FhsPackage>).fhsRun === "string";
}

/**
 * The command that runs `program` of `value`: for a package with an
 * environment, its runner and the program's path inside it
 * (`fhsPath`, e.g. `/usr/bin/ssh-keygen`); otherwise `<out>/bin/<name>`.
 */
export function packageProgram(value: PackageValue, name: string, fhsPath: string): string {
  return isFhsPackage(value) ? `${value.fhsRun} ${fhsPath}` : `${packagePath(value)}/bin/${name}`;
}
