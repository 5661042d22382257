/**
 * A build root: a tree in the store that a derivation asks to see as the
 * sandbox's `/usr`, `/lib`, `/lib64`, `/bin`, `/sbin` (and, when it has the
 * files the sandbox puts there, `/etc`) instead of the host's, so that its
 * builder finds tools and libraries only among its declared inputs. Kiln's
 * hermetic stdenv names the merged closure of its Debian toolchain this way.
 *
 * Nix's sandbox has nothing like it (its builds see `/bin/sh` and the
 * input closure only, and nixpkgs' toolchain lives at store paths), so a
 * derivation with a build root names it in an ordinary attribute, which
 * keeps its `.drv` the bytes Nix computes, and the nix realiser refuses to
 * hand it to Nix instead of letting the build fail for want of `/usr/bin/gcc`.
 */
import type { Drv } from "@kiln/formats";
import { BuildFailedError } from "./build-errors.js";
import { derivationAttribute } from "./derivation-attribute.js";

/** The derivation attribute naming the build root: an absolute path inside one of the build's input store paths. */
export const BUILD_ROOT_ATTRIBUTE = "kilnBuildRoot";

/** The top-level directories of a build root that become the sandbox's own. */
export const BUILD_ROOT_DIRS: readonly string[] = ["usr", "lib", "lib64", "lib32", "libx32", "bin", "sbin"];

/** The `/etc` files the sandbox always writes itself, whatever the build root's `etc` holds. */
export const BUILD_ROOT_ETC_FILES: readonly string[] = ["passwd", "group", "hosts"];

/** The build root `drv` asks for, or `undefined` if it asks for none (it then sees the host's sandbox paths). */
export function buildRootOf(drv: Drv): string | undefined {
  const root = derivationAttribute(drv, BUILD_ROOT_ATTRIBUTE);
  return root === undefined || root === "" ? undefined : root;
}

/**
 * Checks that `root` lies inside a store path of the build's input closure,
 * so that a derivation cannot have a host directory mounted as its `/usr`.
 *
 * @returns the store path holding the root.
 */
export function checkBuildRoot(root: string, storeDir: string, closure: ReadonlySet<string>, drvPath: string): string {
  const prefix = `${storeDir}/`;
  const storePath = root.startsWith(prefix) ? prefix + (root.slice(prefix.length).split("/")[0] ?? "") : undefined;
  if (storePath === undefined || root.split("/").includes("..") || !closure.has(storePath)) {
    throw new BuildFailedError(
      `derivation '${drvPath}' asks for the build root '${root}' (attribute '${BUILD_ROOT_ATTRIBUTE}'), which is not inside a store path among its inputs; a build root must be part of what the build depends on`,
      drvPath,
    );
  }
  return storePath;
}

/** The error of a build that needs its build root when builds are not sandboxed. */
export function unsandboxedBuildRootError(drvPath: string, root: string): BuildFailedError {
  return new BuildFailedError(
    `derivation '${drvPath}' builds with its own /usr, /lib and /bin (the build root '${root}'), which only Kiln's sandbox can give it, but builds are not sandboxed here; ` +
      "install bubblewrap (Debian: apt-get install bubblewrap) and build with the sandbox, or build the package with stdenvHost, which uses the host's tools",
    drvPath,
  );
}
