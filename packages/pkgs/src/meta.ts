/**
 * `meta`: what a package says about itself (description, license, main
 * program, platforms). It never reaches the derivation, so changing it
 * rebuilds nothing; `checkMeta` refuses unfree, broken and other-platform
 * packages as nixpkgs' `check-meta.nix` does, unless the config allows them.
 */
import type { PkgsConfig } from "./config.js";
import { PackageMetaError } from "./errors.js";
import type { License } from "./licenses.js";

/** A package's `meta`. */
export interface Meta {
  /** One line, no trailing period: `"A program that produces a familiar, friendly greeting"`. */
  readonly description?: string;
  /** Paragraphs, if one line is not enough. */
  readonly longDescription?: string;
  /** The project's home page(s). */
  readonly homepage?: string | readonly string[];
  /** Where the changes of this version are described. */
  readonly changelog?: string;
  /** The license or licenses (see `licenses`). */
  readonly license?: License | readonly License[];
  /** The program `getExe` runs: `${pkg}/bin/${mainProgram}`. */
  readonly mainProgram?: string;
  /** The systems the package builds on (see `platforms`); all if absent. */
  readonly platforms?: readonly string[];
  /** Systems it does not build on, even if `platforms` lists them. */
  readonly badPlatforms?: readonly string[];
  /** Known not to build or work. */
  readonly broken?: boolean;
  /** Who looks after the package. */
  readonly maintainers?: readonly string[];
  /** Anything else. */
  readonly [key: string]: unknown;
}

/** The licenses of `meta.license` as a list. */
export function metaLicenses(meta: Meta): readonly License[] {
  const license = meta.license;
  if (license === undefined) return [];
  return Array.isArray(license) ? (license as readonly License[]) : [license as License];
}

/** What {@link checkMeta} needs to know about the package and the evaluation. */
export interface MetaCheckContext {
  readonly name: string;
  readonly pname: string | undefined;
  readonly system: string;
  readonly config: PkgsConfig;
}

/** Throws a {@link PackageMetaError} if `meta` forbids evaluating the package with this config. */
export function checkMeta(meta: Meta, context: MetaCheckContext): void {
  const { name, config, system } = context;
  const licenses = metaLicenses(meta);
  // As nixpkgs (`l.free or true`): only a license that says it is not free makes a package unfree.
  const unfree = licenses.filter((license) => typeof license === "object" && license !== null && license.free === false);
  if (unfree.length > 0 && config.allowUnfree !== true) {
    const allowed = config.allowUnfreePredicate?.({ name, pname: context.pname, licenses }) ?? false;
    if (!allowed) {
      throw new PackageMetaError(
        `package '${name}' has an unfree license (${unfree.map((license) => license.shortName).join(", ")}), refusing to evaluate; set config.allowUnfree = true (or allowUnfreePredicate) in makePkgs to allow it`,
        "unfree",
        name,
      );
    }
  }
  if (meta.broken === true && config.allowBroken !== true) {
    throw new PackageMetaError(`package '${name}' is marked as broken, refusing to evaluate; set config.allowBroken = true to try it anyway`, "broken", name);
  }
  const unsupported = (meta.platforms !== undefined && !meta.platforms.includes(system)) || (meta.badPlatforms?.includes(system) ?? false);
  if (unsupported && config.allowUnsupportedSystem !== true) {
    throw new PackageMetaError(
      `package '${name}' is not available on the requested system '${system}' (meta.platforms: ${(meta.platforms ?? []).join(", ") || "none"}); set config.allowUnsupportedSystem = true to try it anyway`,
      "unsupported-platform",
      name,
    );
  }
}

/** What {@link getExe} reads. */
export interface ExecutablePackage {
  readonly outPath: string;
  readonly name: string;
  readonly pname?: string | undefined;
  readonly meta?: Meta;
}

/**
 * The path of a package's main program, as nixpkgs' `lib.getExe`:
 * `${pkg}/bin/${pkg.meta.mainProgram}`, falling back to `pname`, then the name.
 */
export function getExe(pkg: ExecutablePackage): string {
  const program = pkg.meta?.mainProgram ?? pkg.pname ?? pkg.name;
  return `${pkg.outPath}/bin/${program}`;
}
