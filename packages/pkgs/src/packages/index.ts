/**
 * Package definitions built from real upstream sources, as nixpkgs writes
 * them: each a `callPackage`-style function of the package set, and
 * `packagesOverlay` adding them all to a set (the default set has it).
 *
 * The sources are fetched by hash; offline, `scripts/fetch-sources` fills a
 * hashed mirror (`KILN_HASHED_MIRRORS`) from Debian's source packages, whose
 * `.orig` tarballs are the upstream ones.
 */
import type { PackageSet } from "../package-set.js";
import type { Package } from "../stdenv/package.js";
import { diffutils } from "./diffutils.js";
import { gnupatch } from "./gnupatch.js";
import { gnused } from "./gnused.js";
import { gzip } from "./gzip.js";
import { hello } from "./hello.js";

export { diffutils, gnupatch, gnused, gzip, hello };

/** The packages {@link packagesOverlay} adds. */
export interface RealPackages {
  readonly hello: Package;
  readonly gzip: Package;
  readonly diffutils: Package;
  readonly gnupatch: Package;
  readonly gnused: Package;
}

/** An overlay adding the packages of this directory (each evaluated when first read). */
export const packagesOverlay = (final: PackageSet): RealPackages => ({
  get hello() {
    return final.callPackage(hello);
  },
  get gzip() {
    return final.callPackage(gzip);
  },
  get diffutils() {
    return final.callPackage(diffutils);
  },
  get gnupatch() {
    return final.callPackage(gnupatch);
  },
  get gnused() {
    return final.callPackage(gnused);
  },
});
