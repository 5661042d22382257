/**
 * The config behind the installable `@kiln/pkgs#NAME` (as `nixpkgs#NAME` is
 * for Nix): the default package set of the `@kiln/pkgs` this CLI came with.
 */
import { defaultPackageSet } from "@kiln/pkgs";

export default defaultPackageSet();
