/** less, as nixpkgs' `less`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(less)`: less 590. */
export const less = ({ stdenv, fetchurl, debianPackage, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "less",
    version: "590",
    get src() {
      return fetchurl({
        url: `https://www.greenwoodsoftware.com/less/less-${finalAttrs.version}.tar.gz`,
        // Debian's less_590.orig.tar.gz is this file.
        hash: "sha256-aq31S+i/V9DimZo8XWex3mOAi7kN6493sCjq+uOgjhA=",
      });
    },
    // The terminal library is Debian's ncurses (nixpkgs builds its own): headers from the build root, a run path into the store.
    buildInputs: [debianPackage("libncurses-dev")],
    configureFlags: ["--sysconfdir=/etc"],
    enableParallelBuilding: true,
    // less has no test suite; the package test runs it.
    doCheck: false,
    meta: {
      description: "less, a pager that shows text one screen at a time",
      homepage: "https://www.greenwoodsoftware.com/less/",
      license: licenses.gpl3Plus,
      mainProgram: "less",
      platforms: platforms.unix,
    },
  }));
