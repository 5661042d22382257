/**
 * Nix's `builtins.parseDrvName`: a derivation name split into the package
 * name and the version, at the first `-` followed by something other than
 * a letter (`hello-2.10` → `hello`, `2.10`; `foo-bar-1.0` → `foo-bar`, `1.0`).
 */

/** The parts of a derivation name. */
export interface DrvName {
  readonly name: string;
  /** `""` when the name has no version. */
  readonly version: string;
}

/** Splits a derivation name as Nix's `parseDrvName` does. */
export function parseDrvName(drvName: string): DrvName {
  const match = /-[^A-Za-z]/.exec(drvName);
  return match === null ? { name: drvName, version: "" } : { name: drvName.slice(0, match.index), version: drvName.slice(match.index + 1) };
}
