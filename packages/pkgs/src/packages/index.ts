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
import { bc } from "./bc.js";
import { bzip2 } from "./bzip2.js";
import { diffutils } from "./diffutils.js";
import { findutils } from "./findutils.js";
import { gdbm } from "./gdbm.js";
import { gnugrep } from "./gnugrep.js";
import { gnum4 } from "./gnum4.js";
import { gnupatch } from "./gnupatch.js";
import { gnused } from "./gnused.js";
import { gperf } from "./gperf.js";
import { gzip } from "./gzip.js";
import { hello } from "./hello.js";
import { less } from "./less.js";
import { lua5_4 } from "./lua5_4.js";
import { units } from "./units.js";
import { xz } from "./xz.js";

export { bc, bzip2, diffutils, findutils, gdbm, gnugrep, gnum4, gnupatch, gnused, gperf, gzip, hello, less, lua5_4, units, xz };

/** The packages {@link packagesOverlay} adds. */
export interface RealPackages {
  readonly hello: Package;
  readonly gzip: Package;
  readonly diffutils: Package;
  readonly gnupatch: Package;
  readonly gnused: Package;
  readonly gnugrep: Package;
  readonly gnum4: Package;
  readonly units: Package;
  readonly findutils: Package;
  readonly bc: Package;
  readonly xz: Package;
  readonly bzip2: Package;
  readonly lua5_4: Package;
  readonly less: Package;
  readonly gperf: Package;
  readonly gdbm: Package;
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
  get gnugrep() {
    return final.callPackage(gnugrep);
  },
  get gnum4() {
    return final.callPackage(gnum4);
  },
  get units() {
    return final.callPackage(units);
  },
  get findutils() {
    return final.callPackage(findutils);
  },
  get bc() {
    return final.callPackage(bc);
  },
  get xz() {
    return final.callPackage(xz);
  },
  get bzip2() {
    return final.callPackage(bzip2);
  },
  get lua5_4() {
    return final.callPackage(lua5_4);
  },
  get less() {
    return final.callPackage(less);
  },
  get gperf() {
    return final.callPackage(gperf);
  },
  get gdbm() {
    return final.callPackage(gdbm);
  },
});
