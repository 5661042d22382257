/**
 * `mkMachinePackageOption(pkgs, loc, "git")`: NixOS's
 * `mkPackageOption pkgs "git" { }` for the machine modules.
 *
 * It declares what `mkPackageOption` declares (a package option described
 * as "The git package to use.", shown as defaulting to `pkgs.git`), but the
 * default is looked up only when it is the value the option ends up with:
 * it is a {@link DefaultPackage}, resolved by the option's type after
 * priorities have been applied. So a machine that never enables git needs
 * no git in its package set, one that sets `programs.git.package` needs
 * none either, and one that uses the default of a set without git gets a
 * {@link MissingPackageError} naming the option and saying to set it
 * (`mkPackageOption`'s error names only the missing attribute).
 */
import { mkOption } from "../options/mk-option.js";
import type { OptionDeclaration } from "../options/option-declaration.js";
import type { OptionPath } from "../options/show-option.js";
import { mergeOneOption } from "../types/merge-helpers.js";
import { mkOptionType, type OptionType } from "../types/option-type.js";
import { packageType, type PackageValue } from "../types/primitive-types.js";
import { MissingPackageError } from "./missing-package-error.js";
import type { MachinePackageSet } from "./package-set.js";

/** Looks `attribute` up in `pkgs`, or fails naming the option `loc`. */
export function lookupMachinePackage(pkgs: MachinePackageSet, loc: OptionPath, attribute: readonly string[]): PackageValue {
  let current: unknown = pkgs;
  for (const segment of attribute) {
    const next = typeof current === "object" && current !== null ? (current as Record<string, unknown>)[segment] : undefined;
    if (next === undefined) throw new MissingPackageError(loc, attribute);
    current = next;
  }
  return current as PackageValue;
}

/** The default of a machine package option: `pkgs.<attribute>`, not yet looked up. */
export class DefaultPackage {
  constructor(
    /** The package set to look in. */
    readonly pkgs: MachinePackageSet,
    /** The option it is the default of. */
    readonly loc: OptionPath,
    /** The attribute path in `pkgs`. */
    readonly attribute: readonly string[],
  ) {}

  /** The package, or a {@link MissingPackageError} naming the option. */
  resolve(): PackageValue {
    return lookupMachinePackage(this.pkgs, this.loc, this.attribute);
  }
}

/** `types.package`, with the {@link DefaultPackage} looked up when it is the option's value. */
const machinePackageType: OptionType<PackageValue, PackageValue | DefaultPackage> = mkOptionType<PackageValue, PackageValue | DefaultPackage>({
  name: packageType.name,
  description: packageType.description,
  check: (value) => value instanceof DefaultPackage || packageType.check(value),
  merge: (loc, definitions) => {
    const value = mergeOneOption<PackageValue | DefaultPackage>(loc, definitions);
    if (!(value instanceof DefaultPackage)) return value;
    const resolved = value.resolve();
    return packageType.merge(loc, [{ file: definitions[0]?.file ?? "<default>", value: resolved }]);
  },
});

/**
 * A package option at `loc` defaulting to `pkgs.<attribute>` (a dotted
 * attribute path), looked up only when used (see the file comment);
 * `extraDescription` is appended to the description.
 */
export function mkMachinePackageOption(pkgs: MachinePackageSet, loc: OptionPath, attribute: string, extraDescription?: string): OptionDeclaration<PackageValue, PackageValue | DefaultPackage> {
  return mkOption({
    type: machinePackageType,
    description: `The ${attribute} package to use.${extraDescription === undefined ? "" : `\n\n${extraDescription}`}`,
    defaultText: `pkgs.${attribute}`,
    default: new DefaultPackage(pkgs, loc, attribute.split(".")),
  });
}
