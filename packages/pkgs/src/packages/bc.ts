/** GNU bc, as nixpkgs' `bc`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(bc)`: GNU bc 1.07.1. */
export const bc = ({ stdenv, fetchurl, debianPackage, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "bc",
    version: "1.07.1",
    get src() {
      return fetchurl({
        url: `mirror://gnu/bc/bc-${finalAttrs.version}.tar.gz`,
        // GNU's bc-1.07.1.tar.gz; Debian's bc_1.07.1.orig.tar.gz is the same file.
        hash: "sha256-Yq38qJsKHAFkws3KWcohDB1Ew//Eba+ZMc9JQmZMsCo=",
      });
    },
    // Its build edits a generated header with ed (Debian's, in the build root).
    nativeBuildInputs: [debianPackage("ed")],
    // Without readline, so the build needs only the toolchain.
    configureFlags: ["--without-readline"],
    // The manuals are rebuilt from Texinfo, which the toolchain lacks; the programs need none of it.
    makeFlags: ["MAKEINFO=true"],
    enableParallelBuilding: true,
    doCheck: true,
    meta: {
      description: "GNU bc, an arbitrary-precision calculator language",
      homepage: "https://www.gnu.org/software/bc/",
      license: licenses.gpl3Plus,
      mainProgram: "bc",
      platforms: platforms.unix,
    },
  }));
