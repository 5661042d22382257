/**
 * The default package set (`makePkgs()` with the packages of `packages/`),
 * behind the top-level `callPackage`. Packages are bound to the store directory they
 * were made for, so there is one set per store directory.
 */
import { getStoreDir } from "@kiln/formats";
import { callPackageWith, type WithOverride } from "./call-package.js";
import { makePkgs, type PackageSet } from "./package-set.js";
import { packagesOverlay, type RealPackages } from "./packages/index.js";

/** The default set: the base and the packages of `packages/`. */
export type DefaultPackageSet = PackageSet & RealPackages;

const sets = new Map<string, DefaultPackageSet>();

/** The default package set for the current store directory. */
export function defaultPackageSet(): DefaultPackageSet {
  const storeDir = getStoreDir();
  let set = sets.get(storeDir);
  if (set === undefined) {
    set = makePkgs<DefaultPackageSet>({ overlays: [packagesOverlay] });
    sets.set(storeDir, set);
  }
  return set;
}

/**
 * Calls `fn` with the default package set (and `overrides` over it); the
 * result gets `override` (see `call-package.ts`).
 *
 * @example
 * const hello = callPackage(({ stdenv }: PackageSet) => stdenv.mkDerivation({ pname: "hello", version: "1.0", src: path("./src") }));
 */
export function callPackage<Args extends object, Result>(fn: (args: Args & PackageSet) => Result, overrides: Partial<Args & PackageSet> = {}): WithOverride<Result, Args & PackageSet> {
  return callPackageWith<PackageSet, Args & PackageSet, Result>(defaultPackageSet(), fn, overrides);
}
