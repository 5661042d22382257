/** GNU m4, as nixpkgs' `gnum4`. */
import type { PackageSet } from "../package-set.js";

/** `callPackage(gnum4)`: GNU m4 1.4.19. */
export const gnum4 = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "gnum4",
    version: "1.4.19",
    get src() {
      return fetchurl({
        url: `mirror://gnu/m4/m4-${finalAttrs.version}.tar.xz`,
        // GNU's m4-1.4.19.tar.xz; Debian's m4_1.4.19.orig.tar.xz is the same file.
        hash: "sha256-Y67eXG0zttmxNRHNC+LKwEby5w/QoHqpVzoEqCeDr5Y=",
      });
    },
    enableParallelBuilding: true,
    doCheck: true,
    // 198.sysval kills a shell with signal 9 and reads its status, which the sandbox's process setup reports differently.
    preCheck: "rm checks/198.sysval",
    meta: {
      description: "GNU m4, a macro processor",
      homepage: "https://www.gnu.org/software/m4/",
      license: licenses.gpl3Plus,
      mainProgram: "m4",
      platforms: platforms.unix,
    },
  }));
