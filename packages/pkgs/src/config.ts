/**
 * The configuration of a package set (nixpkgs' `config`): what may be
 * evaluated (unfree, broken, other-platform packages) and defaults for builds.
 */
import type { License } from "./licenses.js";

/** What {@link PkgsConfig.allowUnfreePredicate} is asked about. */
export interface UnfreePackageInfo {
  /** The package's name (`pname-version`). */
  readonly name: string;
  /** Its `pname`, if it has one. */
  readonly pname: string | undefined;
  /** Its licenses. */
  readonly licenses: readonly License[];
}

/** The configuration of a package set. */
export interface PkgsConfig {
  /** Allow packages whose license is not free. */
  readonly allowUnfree?: boolean;
  /** Allow some unfree packages: called for each. */
  readonly allowUnfreePredicate?: (pkg: UnfreePackageInfo) => boolean;
  /** Allow packages marked `meta.broken`. */
  readonly allowBroken?: boolean;
  /** Allow packages whose `meta.platforms` does not include the system. */
  readonly allowUnsupportedSystem?: boolean;
  /** The default of `doCheck` for `mkDerivation` (nixpkgs' `doCheckByDefault`); `false` if unset. */
  readonly doCheckByDefault?: boolean;
}
