/** GNU findutils, as nixpkgs' `findutils`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(findutils)`: GNU findutils 4.9.0. */
export const findutils = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "findutils",
    version: "4.9.0",
    get src() {
      return fetchurl({
        url: `mirror://gnu/findutils/findutils-${finalAttrs.version}.tar.xz`,
        // GNU's findutils-4.9.0.tar.xz; Debian's findutils_4.9.0.orig.tar.xz is the same file.
        hash: "sha256-or+4wJ1DZ3DtxZ9Q+kg+eFsWGjt7nVR1c8sIBl/UYv4=",
      });
    },
    // As nixpkgs: locate's database lives outside the store.
    configureFlags: ["--localstatedir=/var/cache"],
    enableParallelBuilding: true,
    doCheck: true,
    // help-version.sh runs every program's --help and --version against /dev/full and friends, which the sandbox's minimal /dev does not behave like; it is skipped (exit 77).
    preCheck: "printf '#!/bin/sh\\nexit 77\\n' > tests/misc/help-version.sh",
    meta: {
      description: "GNU findutils: find, xargs and locate",
      homepage: "https://www.gnu.org/software/findutils/",
      license: licenses.gpl3Plus,
      mainProgram: "find",
      platforms: platforms.unix,
    },
  }));
