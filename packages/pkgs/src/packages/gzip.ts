/** GNU gzip, as nixpkgs' `gzip`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(gzip)`: GNU gzip 1.12. */
export const gzip = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "gzip",
    version: "1.12",
    get src() {
      return fetchurl({
        url: `mirror://gnu/gzip/gzip-${finalAttrs.version}.tar.xz`,
        // GNU's gzip-1.12.tar.xz; Debian's gzip_1.12.orig.tar.xz is the same file.
        hash: "sha256-zl4D5Rn2N+H4FAEazjXE+HszwLur7sNbr1+9NHnpGVY=",
      });
    },
    enableParallelBuilding: true,
    // As nixpkgs: keep the scripts (gunzip, zcat, …) from recording the build's shell and grep.
    makeFlags: ["SHELL=/bin/sh", "GREP=grep"],
    doCheck: true,
    meta: {
      description: "GNU zip compression program",
      homepage: "https://www.gnu.org/software/gzip/",
      license: licenses.gpl3Plus,
      mainProgram: "gzip",
      platforms: platforms.all,
    },
  }));
