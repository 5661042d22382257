/** GNU grep, as nixpkgs' `gnugrep`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(gnugrep)`: GNU grep 3.8. */
export const gnugrep = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "gnugrep",
    version: "3.8",
    get src() {
      return fetchurl({
        url: `mirror://gnu/grep/grep-${finalAttrs.version}.tar.xz`,
        // GNU's grep-3.8.tar.xz; Debian's grep_3.8.orig.tar.xz is the same file.
        hash: "sha256-SY18wbT7CBkE2HND/rtzR1z3ceQk+35hQa/2YBOrw4I=",
      });
    },
    // Without PCRE2 (not in the host's base), so -P is unavailable, as in a minimal nixpkgs grep.
    configureFlags: ["--disable-perl-regexp"],
    enableParallelBuilding: true,
    doCheck: true,
    meta: {
      description: "GNU grep, which prints the lines of files that match patterns",
      homepage: "https://www.gnu.org/software/grep/",
      license: licenses.gpl3Plus,
      mainProgram: "grep",
      platforms: platforms.unix,
    },
  }));
