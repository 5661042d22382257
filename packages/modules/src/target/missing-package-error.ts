/**
 * A package option whose default comes from `pkgs` was read, but the package
 * set has no such package. NixOS would fail with "attribute 'git' missing";
 * Kiln says which option wanted it and how to give it a value.
 */
import { showOption, type OptionPath } from "../options/show-option.js";
import { ModuleSystemError } from "../errors/module-system-error.js";

/** Thrown when a package option's default names a package the set lacks. */
export class MissingPackageError extends ModuleSystemError {
  override name = "MissingPackageError";
  /** The option whose default was wanted, e.g. `["programs", "git", "package"]`. */
  readonly loc: OptionPath;
  /** The attribute path looked up in `pkgs`, e.g. `["git"]`. */
  readonly attribute: readonly string[];

  constructor(loc: OptionPath, attribute: readonly string[]) {
    const option = showOption(loc);
    const name = attribute.join(".");
    super(
      `The option \`${option}' has no value: its default is \`pkgs.${name}', and the package set given to the machine has no \`${name}'. Set \`${option}' to a package in one of your modules, or give the machine a package set that has \`${name}' (for instance with an overlay: pkgs.extend(…)).`,
    );
    this.loc = loc;
    this.attribute = attribute;
  }
}
