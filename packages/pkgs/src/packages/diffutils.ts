/** GNU diffutils (`diff`, `cmp`, `diff3`, `sdiff`), as nixpkgs' `diffutils`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(diffutils)`: GNU diffutils 3.8. */
export const diffutils = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "diffutils",
    version: "3.8",
    get src() {
      return fetchurl({
        url: `mirror://gnu/diffutils/diffutils-${finalAttrs.version}.tar.xz`,
        // GNU's diffutils-3.8.tar.xz; Debian's diffutils_3.8.orig.tar.xz is the same file.
        hash: "sha256-pr3X0bMSZtEcT03mwbdI1GB6sCMa9RiPwlM9CuJDj+w=",
      });
    },
    enableParallelBuilding: true,
    doCheck: true,
    meta: {
      description: "Commands for showing the differences between files (diff, cmp, etc.)",
      homepage: "https://www.gnu.org/software/diffutils/diffutils.html",
      license: licenses.gpl3Plus,
      mainProgram: "diff",
      platforms: platforms.unix,
    },
  }));
