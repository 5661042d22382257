/**
 * `mkPackageOption pkgs name { default }`: an option holding a package,
 * defaulting to the package of that name (or attribute path) in `pkgs`.
 */
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import { nullOr } from "../types/composite-types.js";
import { packageType, type PackageValue } from "../types/primitive-types.js";
import { mkOption } from "./mk-option.js";
import type { OptionDeclaration } from "./option-declaration.js";

/** The fields of {@link mkPackageOption}. */
export interface MkPackageOptionSpec {
  /** Attribute path of the default package in `pkgs`; `null` for no default. Defaults to `name`. */
  readonly default?: string | readonly string[] | null;
  /** An attribute path in `pkgs` shown as example. */
  readonly example?: string | readonly string[];
  /** Whether `null` is allowed. */
  readonly nullable?: boolean;
  /** Extra documentation appended to the description. */
  readonly extraDescription?: string;
  /** Name of the package set in documentation; default `pkgs`. */
  readonly pkgsText?: string;
}

function attributePath(name: string | readonly string[]): readonly string[] {
  return typeof name === "string" ? name.split(".") : name;
}

function lookupPackage(pkgs: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let current: unknown = pkgs;
  for (const segment of path) {
    if (typeof current !== "object" || current === null || !(segment in current)) {
      throw new InvalidModuleError(`mkPackageOption: the package set has no attribute \`${path.join(".")}'.`);
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A package option defaulting to `pkgs.<name>` (nixpkgs' `mkPackageOption`); the default is looked up when read. */
export function mkPackageOption(pkgs: Readonly<Record<string, unknown>>, name: string | readonly string[], spec: MkPackageOptionSpec = {}): OptionDeclaration<PackageValue> {
  const defaultPath = spec.default === undefined ? attributePath(name) : spec.default === null ? null : attributePath(spec.default);
  const pkgsText = spec.pkgsText ?? "pkgs";
  const shownName = attributePath(name).join(".");
  const description = `The ${shownName} package to use.${spec.extraDescription === undefined ? "" : `\n\n${spec.extraDescription}`}`;
  const type = spec.nullable === true ? nullOr(packageType) : packageType;
  const base = { type, description, ...(spec.example === undefined ? {} : { example: `${pkgsText}.${attributePath(spec.example).join(".")}` }) };
  if (defaultPath === null) return mkOption(base) as OptionDeclaration<PackageValue>;
  const declaration = mkOption({ ...base, defaultText: `${pkgsText}.${defaultPath.join(".")}` });
  let resolved: { value: unknown } | undefined;
  // The default is looked up lazily, so a package set with missing attributes only matters when the option is used.
  Object.defineProperty(declaration, "default", {
    enumerable: true,
    get: () => (resolved ??= { value: lookupPackage(pkgs, defaultPath) }).value,
  });
  Object.defineProperty(declaration, "hasDefault", { enumerable: true, value: true });
  return declaration as OptionDeclaration<PackageValue>;
}
