/**
 * Mixing package sets, as Nix users mix nixpkgs revisions: this release of
 * `@kiln/pkgs`, the older release 0.1 installed beside it under the pnpm
 * alias `@kiln/pkgs-0.1`, and a third-party set (`@acme/kiln-pkgs`, a
 * workspace package exporting an overlay).
 *
 *   pnpm kiln build ./examples/mixing-sets#env && ./result/bin/motd
 *   pnpm kiln run ./examples/mixing-sets#motd -- Ada
 */
import { acmeOverlay } from "@acme/kiln-pkgs";
import { defaultPackageSet } from "@kiln/pkgs";
import { defaultPackageSet as defaultPackageSet01 } from "@kiln/pkgs-0.1";

/** The older release's set, evaluated on its own: its own stdenv, its own fixpoint. */
export const stable = defaultPackageSet01();

/**
 * This release's set, with Acme's overlay, and GNU hello pinned to the older
 * release (as one pins a package that a newer nixpkgs broke). Acme's `motd`
 * takes hello from `final`, so it gets the pinned one.
 */
export const pkgs = defaultPackageSet()
  .extend(acmeOverlay)
  .extend(() => ({ hello: stable.hello }));

/** Tools from all three sets in one environment. */
export const env = pkgs.buildEnv({ name: "mixed-tools", paths: [pkgs.hello, pkgs.motd, pkgs.gnused] });

export default { env, hello: pkgs.hello, motd: pkgs.motd, sed: pkgs.gnused };
