/**
 * Host paths a derivation itself asks to see in the sandbox, as nixpkgs'
 * Darwin stdenv asks for the system's libraries with `__impureHostDeps`
 * and Nix grants only those under `allowed-impure-host-deps`. Kiln's host
 * stdenv (`stdenvHost`) asks for the host's `/usr`, `/bin` and `/lib` this
 * way, so that its impure builds keep working in a sandbox that otherwise
 * shows only `/bin/sh`. The attribute has a Kiln name: Nix on Linux would
 * refuse `__impureHostDeps` it has not been told to allow, and ignores this
 * one, so the `.drv` stays the bytes Nix computes.
 */
import type { Drv } from "@kiln/formats";
import { BuildFailedError } from "./build-errors.js";
import { derivationAttribute } from "./derivation-attribute.js";

/** The derivation attribute listing the host paths (space-separated) a build asks to see read-only. */
export const IMPURE_HOST_PATHS_ATTRIBUTE = "kilnImpureHostPaths";

/**
 * The host paths `drv` asks for, each checked against `allowed` (a path is
 * allowed when it is one of them or inside one).
 *
 * @throws BuildFailedError naming the first path not allowed and how to allow it.
 */
export function impureHostPathsOf(drv: Drv, drvPath: string, allowed: readonly string[]): string[] {
  const asked = (derivationAttribute(drv, IMPURE_HOST_PATHS_ATTRIBUTE) ?? "").split(/\s+/).filter((path) => path !== "");
  for (const path of asked) {
    const ok = path.startsWith("/") && !path.split("/").includes("..") && allowed.some((prefix) => path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`));
    if (!ok) {
      throw new BuildFailedError(
        `derivation '${drvPath}' asks to see the host path '${path}' (attribute '${IMPURE_HOST_PATHS_ATTRIBUTE}'), which is not among the allowed impure host paths (${allowed.join(", ") || "none"}); ` +
          "allow it with the local realiser's allowedImpureHostPaths, or show it to every build with --sandbox-paths",
        drvPath,
      );
    }
  }
  return asked;
}
