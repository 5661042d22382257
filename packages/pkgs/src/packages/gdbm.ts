/** GNU dbm, as nixpkgs' `gdbm`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(gdbm)`: GNU dbm 1.23. */
export const gdbm = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "gdbm",
    version: "1.23",
    get src() {
      return fetchurl({
        url: `mirror://gnu/gdbm/gdbm-${finalAttrs.version}.tar.gz`,
        // GNU's gdbm-1.23.tar.gz; Debian's gdbm_1.23.orig.tar.gz is the same file.
        hash: "sha256-dLEIHSH/8TrkvXwW5dblBKTCb3zeHcoNljpIQXS7ys0=",
      });
    },
    // Without readline, so gdbmtool needs only the host's base; with the old dbm/ndbm interfaces, as nixpkgs.
    configureFlags: ["--without-readline", "--enable-libgdbm-compat"],
    enableParallelBuilding: true,
    doCheck: true,
    meta: {
      description: "GNU dbm, a library of database functions using extensible hashing",
      homepage: "https://www.gnu.org/software/gdbm/",
      license: licenses.gpl3Plus,
      mainProgram: "gdbmtool",
      platforms: platforms.unix,
    },
  }));
