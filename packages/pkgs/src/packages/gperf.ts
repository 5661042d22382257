/** GNU gperf, as nixpkgs' `gperf`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(gperf)`: GNU gperf 3.1. */
export const gperf = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "gperf",
    version: "3.1",
    get src() {
      return fetchurl({
        url: `mirror://gnu/gperf/gperf-${finalAttrs.version}.tar.gz`,
        // GNU's gperf-3.1.tar.gz; Debian's gperf_3.1.orig.tar.gz is the same file.
        hash: "sha256-H4iBm3gYc1Dn5sokteFcv0CDZZdzUI0/AYubUl6dHLg=",
      });
    },
    enableParallelBuilding: true,
    // 3.1's tests compile its generated C++ with `register`, which C++17 (GCC 12's default) removed; the program is fine.
    doCheck: false,
    meta: {
      description: "GNU gperf, a perfect hash function generator",
      homepage: "https://www.gnu.org/software/gperf/",
      license: licenses.gpl3Plus,
      mainProgram: "gperf",
      platforms: platforms.unix,
    },
  }));
