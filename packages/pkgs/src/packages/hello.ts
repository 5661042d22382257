/**
 * GNU Hello, as nixpkgs' `hello`: the classic autotools package, with its
 * test suite (`make check`) run.
 */
import type { PackageSet } from "../package-set.js";

/** `callPackage(hello)`: GNU Hello 2.10. */
export const hello = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "hello",
    version: "2.10",
    get src() {
      return fetchurl({
        url: `mirror://gnu/hello/hello-${finalAttrs.version}.tar.gz`,
        // The sha256 nixpkgs pins (0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i), also Debian's hello_2.10.orig.tar.gz.
        hash: "sha256-MeBmE3qWJnbon2nRtlOC3pWn732RS4y5VvQepy4PUWs=",
      });
    },
    doCheck: true,
    get meta() {
      return {
      description: "A program that produces a familiar, friendly greeting",
      longDescription:
        "GNU Hello is a program that prints \"Hello, world!\" when you run it. It is fully customizable, and serves as an example of the GNU coding standards and of an autotools package.",
      homepage: "https://www.gnu.org/software/hello/manual/",
      changelog: `https://git.savannah.gnu.org/cgit/hello.git/plain/NEWS?h=v${finalAttrs.version}`,
      license: licenses.gpl3Plus,
      mainProgram: "hello",
      platforms: platforms.all,
      };
    },
  }));
