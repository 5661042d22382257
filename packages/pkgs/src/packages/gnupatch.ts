/** GNU patch, as nixpkgs' `gnupatch` (`patch`). */
import type { PackageSet } from "../package-set.js";

/** `callPackage(gnupatch)`: GNU patch 2.7.6. */
export const gnupatch = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "patch",
    version: "2.7.6",
    get src() {
      return fetchurl({
        url: `mirror://gnu/patch/patch-${finalAttrs.version}.tar.xz`,
        // GNU's patch-2.7.6.tar.xz; Debian's patch_2.7.6.orig.tar.xz is the same file.
        hash: "sha256-rGEL2per4Nn2t8ljJVoR3LGWwl4zfGH5Tkd41jLx2P0=",
      });
    },
    // Without the attr library (not in the host's base): no extended attributes.
    configureFlags: ["--disable-xattr"],
    enableParallelBuilding: true,
    doCheck: true,
    meta: {
      description: "GNU Patch, a program to apply differences to files",
      homepage: "https://savannah.gnu.org/projects/patch",
      license: licenses.gpl3Plus,
      mainProgram: "patch",
      platforms: platforms.all,
    },
  }));
