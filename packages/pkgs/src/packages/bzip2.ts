/** bzip2, as nixpkgs' `bzip2`. */
import { placeholder } from "@kiln/formats";
import type { PackageSet } from "../package-set.js";

/** `callPackage(bzip2)`: bzip2 1.0.8. */
export const bzip2 = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "bzip2",
    version: "1.0.8",
    get src() {
      return fetchurl({
        url: `https://sourceware.org/pub/bzip2/bzip2-${finalAttrs.version}.tar.gz`,
        // Debian's bzip2_1.0.8.orig.tar.gz is this file.
        hash: "sha256-q1oDF27hBtPw+pDjgdpHjdrkBZGBU8yiSOaCzQxKImk=",
      });
    },
    // A plain Makefile: no configure script; its default target also compresses and checks its sample files.
    dontConfigure: true,
    installFlags: [`PREFIX=${placeholder("out")}`],
    doCheck: true,
    checkTarget: "test",
    meta: {
      description: "bzip2, a block-sorting file compressor",
      homepage: "https://sourceware.org/bzip2/",
      license: licenses.bzip2,
      mainProgram: "bzip2",
      platforms: platforms.all,
    },
  }));
