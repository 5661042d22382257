/** XZ Utils, as nixpkgs' `xz`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(xz)`: XZ Utils 5.4.1. */
export const xz = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "xz",
    version: "5.4.1",
    get src() {
      return fetchurl({
        url: `https://tukaani.org/xz/xz-${finalAttrs.version}.tar.xz`,
        // Debian's xz-utils_5.4.1.orig.tar.xz is this file.
        hash: "sha256-XZgnqhh1shwoj3iGS7JtJlC0NuqNLK02Tkkh62JmpaU=",
      });
    },
    enableParallelBuilding: true,
    doCheck: true,
    meta: {
      description: "XZ Utils: LZMA and XZ compression programs and liblzma",
      homepage: "https://tukaani.org/xz/",
      license: [licenses.gpl2Plus, licenses.lgpl21Plus],
      mainProgram: "xz",
      platforms: platforms.all,
    },
  }));
