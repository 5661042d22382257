/**
 * The derivations of a locked Debian input, all of them content-pinned:
 *
 * - each `Packages` index and each `.deb` is a fixed-output fetch
 *   (`builtin:kiln-debian-fetch`, which downloads as `builtin:fetchurl` does)
 *   by the SHA-256 the signed `Release` (or the index) gives, so its store
 *   path is the same wherever the mirror is, and Kiln's hash-mismatch error
 *   applies;
 * - the compact index is built from the fetched indexes by a built-in
 *   builder (`builtin:kiln-debian-index`);
 * - a `.deb`'s files are unpacked by `builtin:kiln-debian-unpack`;
 * - a package (`builtin:kiln-debian-fhs`) refers to the unpacked trees
 *   of its whole dependency closure. The unpacked trees refer to nothing, so
 *   the dependency cycles Debian has do not become cycles of store paths.
 *
 * Mirrors only appear in the fetches' URL lists, which do not enter any
 * output path: the same lock gives the same store paths on any machine.
 */
import { derivation, type Derivation } from "@kiln/formats";
import { FHS_RUNNER } from "./environment-mounts.js";
import type { LockedDebianInput, LockedIndex } from "./lock-file.js";
import type { IndexPackage } from "./package-index.js";

/** Makes `text` usable in a store path name: characters Nix refuses become `_`. */
export function storeName(text: string): string {
  return text.replace(/[^A-Za-z0-9+\-._?=]/g, "_").replace(/^\./, "_");
}

/**
 * A fixed-output fetch of the archive's file at `path` (below the archive
 * root) by its SHA-256, from each mirror in turn after the hashed mirrors.
 */
export function archiveFetch(name: string, path: string, sha256: string, mirrors: readonly string[]): Derivation<"out"> {
  return derivation({
    name: storeName(name),
    system: "builtin",
    builder: "builtin:kiln-debian-fetch",
    urls: mirrors.map((mirror) => mirror + path).join(" "),
    archivePath: path,
    preferLocalBuild: true,
    impureEnvVars: ["http_proxy", "https_proxy", "all_proxy", "no_proxy"],
    outputHashMode: "flat",
    outputHashAlgo: "sha256",
    outputHash: sha256,
  });
}

/** The fixed-output fetch of one locked `Packages` index. */
export function indexFetch(input: LockedDebianInput, index: LockedIndex, mirrors: readonly string[]): Derivation<"out"> {
  const file = index.path.slice(index.path.lastIndexOf("/") + 1);
  return archiveFetch(`debian-${input.suite}-${index.component}-${input.architecture}-${file}`, index.path, index.sha256, mirrors);
}

/** The compact index of a locked input, built from its fetched indexes. */
export function compactIndexDerivation(input: LockedDebianInput, mirrors: readonly string[]): Derivation<"out"> {
  return derivation({
    name: storeName(`debian-${input.suite}-${input.architecture}-index`),
    system: "builtin",
    builder: "builtin:kiln-debian-index",
    indexes: input.indexes.map((index) => indexFetch(input, index, mirrors).outPath).join(" "),
    preferLocalBuild: true,
  });
}

/** The fixed-output fetch of a package's `.deb`. */
export function debFetch(entry: IndexPackage, mirrors: readonly string[]): Derivation<"out"> {
  return archiveFetch(entry.filename.slice(entry.filename.lastIndexOf("/") + 1), entry.filename, entry.sha256, mirrors);
}

/** A package's files, unpacked from its `.deb`. */
export function unpackedDerivation(entry: IndexPackage, mirrors: readonly string[]): Derivation<"out"> {
  return derivation({
    name: storeName(`${entry.name}-${entry.version}-deb`),
    system: "builtin",
    builder: "builtin:kiln-debian-unpack",
    deb: debFetch(entry, mirrors).outPath,
    // What the builder reads from the maintainer scripts: a builder that reads more makes other outputs, so other paths.
    scripts: "alternatives accounts",
    preferLocalBuild: true,
  });
}

/**
 * A package with its closure: an FHS environment (see `fhs-environment.ts`)
 * of the unpacked trees of `closure` (the package itself first), with a
 * wrapper in `bin/` for each of the package's programs (or, for a package
 * without programs, each of its direct `dependencies`'). Its output lists the
 * trees in `kiln-debian/closure`, so that they are its references.
 */
export function packageDerivation(entry: IndexPackage, closure: readonly Derivation[], dependencies: readonly Derivation[] = []): Derivation<"out"> {
  const own = closure[0];
  return derivation({
    name: storeName(`${entry.name}-${entry.version}`),
    system: "builtin",
    builder: "builtin:kiln-debian-fhs",
    package: `${entry.name} ${entry.version} ${entry.architecture}`,
    closure: closure.map((unpacked) => unpacked.outPath).join(" "),
    programsOf: own !== undefined ? own.outPath : "",
    fallbackProgramsOf: dependencies.map((unpacked) => unpacked.outPath).join(" "),
    runner: FHS_RUNNER,
    preferLocalBuild: true,
  });
}

/** What {@link fhsEnvDerivation} makes an environment of. */
export interface FhsEnvSpec {
  /** The environment's name; with `runScript`, also its program's. */
  readonly name: string;
  /** The unpacked trees of the closure, in the order their files take precedence (derivations, or their output paths). */
  readonly closure: readonly { readonly outPath: string }[];
  /** The trees whose programs get wrappers in `bin/`. */
  readonly programsOf: readonly Derivation[];
  /** A program to run as `bin/<name>` (a path inside the environment, e.g. `/bin/bash`). */
  readonly runScript?: string;
  /**
   * Symlinks to add to the merged tree where it has nothing, by path inside
   * the environment: what maintainer scripts' alternatives would make
   * (`{ "usr/bin/awk": "gawk", "usr/bin/cc": "gcc" }`).
   */
  readonly links?: Readonly<Record<string, string>>;
  /**
   * Make `root/` of hard links to (or, across file systems, copies of) the
   * unpacked files instead of symlinks to them: the environment then refers
   * to none of the unpacked trees, so a sandbox showing it as a build root
   * mounts one store path instead of one per package (Kiln's stdenvNoCC,
   * whose many small builds each pay for every mount).
   */
  readonly copyFiles?: boolean;
}

/** An FHS environment of several packages' closures. */
export function fhsEnvDerivation(spec: FhsEnvSpec): Derivation<"out"> {
  return derivation({
    name: storeName(spec.name),
    system: "builtin",
    builder: "builtin:kiln-debian-fhs",
    envName: spec.name,
    closure: spec.closure.map((unpacked) => unpacked.outPath).join(" "),
    programsOf: spec.programsOf.map((unpacked) => unpacked.outPath).join(" "),
    runScript: spec.runScript ?? "",
    runner: FHS_RUNNER,
    // Only given when there are links, so that environments without any keep their derivations.
    ...(spec.links !== undefined && Object.keys(spec.links).length > 0
      ? { links: Object.entries(spec.links).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([link, target]) => `${link}=${target}`).join(" ") }
      : {}),
    // Only given when asked for, so that other environments keep their derivations.
    ...(spec.copyFiles === true ? { copyFiles: "1" } : {}),
    preferLocalBuild: true,
  });
}
