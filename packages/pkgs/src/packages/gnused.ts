/** GNU sed, as nixpkgs' `gnused`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(gnused)`: GNU sed 4.9. */
export const gnused = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "gnused",
    version: "4.9",
    get src() {
      return fetchurl({
        url: `mirror://gnu/sed/sed-${finalAttrs.version}.tar.xz`,
        // GNU's sed-4.9.tar.xz; Debian's sed_4.9.orig.tar.xz is the same file.
        hash: "sha256-biJrcy4c1zlGStaGK9Ghq6QteYKSLaelNRljHSSXUYE=",
      });
    },
    // Without libselinux and libacl (not in the host's base).
    configureFlags: ["--without-selinux", "--disable-acl"],
    enableParallelBuilding: true,
    meta: {
      description: "GNU sed, a batch stream editor",
      homepage: "https://www.gnu.org/software/sed/",
      license: licenses.gpl3Plus,
      mainProgram: "sed",
      platforms: platforms.unix,
    },
  }));
