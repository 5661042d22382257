/** Lua 5.4, as nixpkgs' `lua5_4`. */
import { placeholder } from "@kiln/formats";
import type { PackageSet } from "../package-set.js";

/** `callPackage(lua5_4)`: Lua 5.4.4. */
export const lua5_4 = ({ stdenv, fetchurl, licenses, platforms }: PackageSet) =>
  stdenv.mkDerivation((finalAttrs) => ({
    pname: "lua",
    version: "5.4.4",
    get src() {
      return fetchurl({
        url: `https://www.lua.org/ftp/lua-${finalAttrs.version}.tar.gz`,
        // Debian's lua5.4_5.4.4.orig.tar.gz is this file.
        hash: "sha256-Fkx4SWU7gK5nvsS3RzuIS/XMjS3KBWU0dewu0nuev2E=",
      });
    },
    // A plain Makefile: the `linux` target (no readline, so only the host's base is needed).
    dontConfigure: true,
    buildFlags: ["linux"],
    installFlags: [`INSTALL_TOP=${placeholder("out")}`],
    enableParallelBuilding: true,
    // Lua's own `make test` runs the built interpreter.
    doCheck: true,
    checkTarget: "test",
    meta: {
      description: "Lua, a small embeddable scripting language",
      homepage: "https://www.lua.org/",
      license: licenses.mit,
      mainProgram: "lua",
      platforms: platforms.unix,
    },
  }));
