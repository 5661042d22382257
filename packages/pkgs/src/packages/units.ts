/** GNU units, as nixpkgs' `units`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(units)`: GNU units 2.22. */
export const units = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "units",
    version: "2.22",
    get src() {
      return fetchurl({
        url: `mirror://gnu/units/units-${finalAttrs.version}.tar.gz`,
        // GNU's units-2.22.tar.gz; Debian's units_2.22.orig.tar.gz is the same file.
        hash: "sha256-XRPhIHch/ncm2Qa6HZLcDt2qn8JnWe0i47jRp5MSWEg=",
      });
    },
    // units_cur (currency updates) needs Python and the network; the converter itself does not.
    configureFlags: ["--disable-units-cur"],
    enableParallelBuilding: true,
    doCheck: true,
    meta: {
      description: "GNU units, a unit conversion program",
      homepage: "https://www.gnu.org/software/units/",
      license: licenses.gpl3Plus,
      mainProgram: "units",
      platforms: platforms.unix,
    },
  }));
