/**
 * Looking a package up in an evaluated machine: `defineMachine` keeps the
 * package set it was given as the machine's (non-enumerable) `pkgs`, so the
 * name `kiln add` is given can be checked against the very set the machine
 * is built with, before the config is touched.
 */
import { closeNames, evaluateInConfig, formatAttrPath, isDerivation, type Derivation } from "@kiln/core";
import { ConfigEditError, UnknownPackageError } from "./config-edit-error.js";

function isAttributeSet(value: unknown): value is Record<string, unknown> {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

/** The package set of an evaluated machine, or an error saying the value is not a machine. */
function packageSetOf(machine: unknown, machineName: string): Record<string, unknown> {
  const pkgs = isAttributeSet(machine) ? machine["pkgs"] : undefined;
  if (!isAttributeSet(pkgs)) {
    throw new ConfigEditError(`machines.${machineName} has no package set to look packages up in: is it made by defineMachine({ pkgs, modules })?`);
  }
  return pkgs;
}

/** The derivation `names` (`["obsPlugins", "obs-backgroundremoval"]`) is in the machine's package set; an {@link UnknownPackageError} with close names if there is none. */
export function machinePackage(machine: unknown, machineName: string, names: readonly string[]): Derivation {
  const attribute = formatAttrPath(names);
  let current: unknown = packageSetOf(machine, machineName);
  for (let index = 0; index < names.length; index++) {
    const name = names[index] as string;
    const within = names.slice(0, index);
    const set = current;
    if (!isAttributeSet(set) || !(name in set)) {
      const candidates = isAttributeSet(set) ? Object.keys(set) : [];
      const suggestions = closeNames(name, candidates).map((candidate) => formatAttrPath([...within, candidate]));
      const where = within.length === 0 ? `the package set of machines.${machineName}` : `pkgs.${formatAttrPath(within)}`;
      // A small nested set (`obsPlugins`) is worth listing when nothing is close; the whole package set is not.
      const listing = suggestions.length === 0 && within.length > 0 && candidates.length > 0 && candidates.length <= 12 ? ` It has: ${candidates.join(", ")}.` : "";
      throw new UnknownPackageError(attribute, suggestions, `${where} has no package '${name}'.${listing}`);
    }
    // Packages are getters running the user's code: their errors point into the config.
    current = evaluateInConfig(() => set[name]);
  }
  if (isDerivation(current)) return current;
  if (isAttributeSet(current)) {
    const members = Object.keys(current).map((member) => formatAttrPath([...names, member]));
    throw new UnknownPackageError(attribute, members.slice(0, 3), `pkgs.${attribute} is a set of packages (${members.length === 1 ? "1 attribute" : `${members.length} attributes`}), not a package.`);
  }
  throw new UnknownPackageError(attribute, [], `pkgs.${attribute} is ${current === null ? "null" : `a ${typeof current}`}, not a package.`);
}

/** Whether the evaluated machine installs `derivation` already: it is in `config.environment.systemPackages`, from whichever module. */
export function isInstalled(machine: unknown, derivation: Derivation): boolean {
  const config = isAttributeSet(machine) ? machine["config"] : undefined;
  const environment = isAttributeSet(config) ? config["environment"] : undefined;
  const packages = isAttributeSet(environment) ? environment["systemPackages"] : undefined;
  if (!Array.isArray(packages)) return false;
  return packages.some((item: unknown) => (isDerivation(item) ? item.drvPath === derivation.drvPath : String(item) === derivation.outPath));
}
