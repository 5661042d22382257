/**
 * The hermetic stdenv's tools: the closure of Debian's `build-essential`
 * and of the tools nixpkgs' stdenv provides (bash, coreutils, sed, make,
 * …), locked and pinned by hash, merged into one tree that builds see as
 * their `/usr`, `/lib`, `/lib64` and `/bin` (see core's `build-root.ts`).
 * nixpkgs bootstraps its toolchain from pinned binaries; Kiln's pinned
 * binaries are Debian's `.deb`s, so the toolchain's identity is their
 * hashes, never the host's tools.
 *
 * The tools come from a Debian input, as a flake's nixpkgs input may
 * "follow" the project's: `makePkgs({ debian: deb })` takes them from the
 * project's own locked input. Without one they come from the input this
 * package ships, locked in `packages/pkgs/kiln.lock`, whose closures are
 * recorded in `debian-seed.json` (name, version, file and SHA-256 of each
 * `.deb`), so that evaluating a package needs no index: the seed is to Kiln
 * what nixpkgs' bootstrap-files are to Nix. The seed's test checks it
 * against what the lock resolves to.
 */
import { readFileSync } from "node:fs";
import { DebianMirrorError, debianMirrors, fhsEnvDerivation, packageDerivation, unpackedDerivation, type DebianPackageSetOperations, type IndexPackage } from "@kiln/debian";
import { isDerivation, stripContextMarks, type Derivation } from "@kiln/formats";
import { shippedFilePath } from "../shipped-files.js";

/** The tools of every build (nixpkgs' stdenv has the same): shell, file and text utilities, archivers, patch, make, file, pkg-config. */
export const STDENV_TOOL_PACKAGES: readonly string[] = Object.freeze([
  "bash",
  "coreutils",
  "findutils",
  "diffutils",
  "sed",
  "grep",
  "gawk",
  "tar",
  "gzip",
  "bzip2",
  "xz-utils",
  "patch",
  "make",
  "file",
  "pkg-config",
]);

/**
 * What a stdenv with a C compiler adds: gcc, g++, binutils, the C library's
 * headers, dpkg-dev (`build-essential`), and patchelf, which drops the run
 * paths a program does not use.
 */
export const STDENV_COMPILER_PACKAGES: readonly string[] = Object.freeze(["build-essential", "patchelf"]);

/**
 * The links Debian's maintainer scripts would make with `update-alternatives`
 * (Kiln runs none), which builds expect: `awk`, and with a compiler `cc`,
 * `c++`, `c89`, `c99`.
 */
const TOOL_LINKS: Readonly<Record<string, string>> = { "usr/bin/awk": "gawk", "usr/bin/nawk": "gawk", "usr/bin/lzma": "xz", "usr/bin/unlzma": "unxz", "usr/bin/lzcat": "xzcat" };
const COMPILER_LINKS: Readonly<Record<string, string>> = { "usr/bin/cc": "gcc", "usr/bin/c++": "g++", "usr/bin/c89": "c89-gcc", "usr/bin/c99": "c99-gcc" };

/** The Debian packages a stdenv's build root is made of (its roots; their closure comes with them). */
export function stdenvPackageNames(withCC: boolean): string[] {
  return withCC ? [...STDENV_COMPILER_PACKAGES, ...STDENV_TOOL_PACKAGES] : [...STDENV_TOOL_PACKAGES];
}

function rootName(withCC: boolean): string {
  return withCC ? "stdenv-debian-root" : "stdenv-debian-nocc-root";
}

function links(withCC: boolean): Record<string, string> {
  return withCC ? { ...TOOL_LINKS, ...COMPILER_LINKS } : { ...TOOL_LINKS };
}

/** One `.deb` of the seed: what its fetch and unpacking need. */
export type SeedPackage = Pick<IndexPackage, "name" | "version" | "architecture" | "filename" | "size" | "sha256">;

/**
 * Debian packages the default package set's own packages take as inputs
 * (`pkgs.debianPackage(name)`): what nixpkgs builds itself and Kiln's set
 * does not have, such as the terminal library less links against and the
 * `ed` that bc's build runs.
 */
export const SEED_PACKAGES: readonly string[] = Object.freeze(["ed", "libncurses-dev"]);

/** A package of the seed: its closure (itself first, as `deb.package` orders it) and the names of its direct dependencies. */
export interface SeedPackageClosure {
  readonly closure: readonly SeedPackage[];
  readonly direct: readonly string[];
}

/** `debian-seed.json`: the closures of the shipped lock's input, roots first, as `fhsEnv` orders them. */
export interface DebianSeed {
  /** The input's name in `kiln.lock`. */
  readonly input: string;
  /** The SHA-256 of the locked index each closure was resolved from. */
  readonly index: string;
  /** The closure of {@link stdenvPackageNames}`(true)`. */
  readonly compiler: readonly SeedPackage[];
  /** The closure of {@link stdenvPackageNames}`(false)`. */
  readonly noCompiler: readonly SeedPackage[];
  /** The closures of {@link SEED_PACKAGES}. */
  readonly packages: Readonly<Record<string, SeedPackageClosure>>;
}

/** The path of the lock this package ships, which the seed was resolved from. */
export const SEED_LOCK_FILE = shippedFilePath("../kiln.lock");

let seed: DebianSeed | undefined;

/** The shipped seed. */
export function debianSeed(): DebianSeed {
  seed ??= JSON.parse(readFileSync(shippedFilePath("stdenv/debian-seed.json"), "utf8")) as DebianSeed;
  return seed;
}

/** The seed's closures as resolved from `deb` (what `debian-seed.json` holds for the shipped lock). */
export function resolveSeed(deb: DebianPackageSetOperations): DebianSeed {
  const ordered = (withCC: boolean): SeedPackage[] => {
    const roots = stdenvPackageNames(withCC);
    const closure = deb.closure(roots);
    const rootEntries = roots.map((name) => closure.find((entry) => entry.name === name)).filter((entry): entry is IndexPackage => entry !== undefined);
    return [...rootEntries, ...closure.filter((entry) => !rootEntries.includes(entry))].map(({ name, version, architecture, filename, size, sha256 }) => ({ name, version, architecture, filename, size, sha256 }));
  };
  const seedEntry = ({ name, version, architecture, filename, size, sha256 }: IndexPackage): SeedPackage => ({ name, version, architecture, filename, size, sha256 });
  const packages: Record<string, SeedPackageClosure> = {};
  for (const name of SEED_PACKAGES) {
    const pkg = deb.package(name);
    const closure = deb.closure([name]);
    const entry = closure.find((candidate) => candidate.name === name) as IndexPackage;
    // The direct dependencies are those whose unpacked tree the package names for its fallback programs (unpacked paths do not depend on mirrors).
    const byPath = new Map(closure.map((candidate) => [stripContextMarks(unpackedDerivation(candidate, []).outPath), candidate.name]));
    const direct = (pkg.drv.env.get("fallbackProgramsOf") ?? "").split(" ").flatMap((path) => byPath.get(path) ?? []);
    packages[name] = { closure: [entry, ...closure.filter((candidate) => candidate !== entry)].map(seedEntry), direct };
  }
  return { input: deb.inputName, index: deb.locked.indexes.map((index) => index.sha256).join(" "), compiler: ordered(true), noCompiler: ordered(false), packages };
}

/**
 * The Debian package `name` of the seed (one of {@link SEED_PACKAGES}), or of
 * `deb` when the set follows a project's input: the same derivation
 * `deb.package(name)` makes for the same lock.
 */
export function seedPackage(name: string, deb?: DebianPackageSetOperations): Derivation<"out"> {
  if (deb !== undefined) return deb.package(name);
  const known = debianSeed().packages[name];
  if (known === undefined) throw new RangeError(`'${name}' is not among the Debian packages of @kiln/pkgs' seed (${SEED_PACKAGES.join(", ")}); take it from a Debian input: makePkgs({ debian: await debian({ suite: "bookworm" }) })`);
  const mirrors = seedMirrors();
  const entries = known.closure.map(asIndexPackage);
  const unpacked = new Map(entries.map((entry) => [entry.name, unpackedDerivation(entry, mirrors)]));
  const own = entries[0] as IndexPackage;
  return packageDerivation(own, entries.map((entry) => unpacked.get(entry.name) as Derivation<"out">), known.direct.map((dependency) => unpacked.get(dependency) as Derivation<"out">));
}

/** Mirrors of the shipped input: the host's (`KILN_DEBIAN_MIRRORS`, apt sources), or none when a hashed mirror or the store must do. */
function seedMirrors(): string[] {
  try {
    return debianMirrors("bookworm");
  } catch (error) {
    if (error instanceof DebianMirrorError) return [];
    throw error;
  }
}

/** The seed's entries as index entries (the fields an unpacked `.deb` derivation does not use are empty). */
function asIndexPackage(entry: SeedPackage): IndexPackage {
  return { ...entry, depends: "", preDepends: "", provides: "", essential: false, priority: "", description: "" };
}

/**
 * The build root of a stdenv: an FHS environment (`builtin:kiln-debian-fhs`)
 * of the toolchain's closure with the alternatives links, from `deb`, else
 * from the shipped seed. The same lock gives the same store path either way.
 */
export function toolchainRoot(withCC: boolean, deb?: DebianPackageSetOperations): Derivation<"out"> {
  // Without a compiler the root is self-contained (hard links, not symlinks into ~80 unpacked packages), so that the
  // trivial builders' many small builds each mount one store path for their tools, not one per package.
  const copy = withCC ? {} : { copyFiles: true };
  if (deb !== undefined) return deb.fhsEnv({ name: rootName(withCC), packages: stdenvPackageNames(withCC), links: links(withCC), ...copy });
  const entries = (withCC ? debianSeed().compiler : debianSeed().noCompiler).map(asIndexPackage);
  const mirrors = seedMirrors();
  const unpacked = entries.map((entry) => unpackedDerivation(entry, mirrors));
  const roots = unpacked.slice(0, stdenvPackageNames(withCC).length);
  return fhsEnvDerivation({ name: rootName(withCC), closure: unpacked, programsOf: roots, links: links(withCC), ...copy });
}

/** `name version` of each package of a toolchain, for the stdenv's record of what it was made with. */
export function toolchainListing(withCC: boolean, deb?: DebianPackageSetOperations): string {
  const entries = deb !== undefined ? resolveSeed(deb) : debianSeed();
  return (withCC ? entries.compiler : entries.noCompiler).map((entry) => `${entry.name} ${entry.version}`).join("\n");
}

/** Whether `value` is a Debian package (`deb.package(name)`): an FHS environment of a package's closure. */
export function isDebianPackage(value: unknown): value is Derivation {
  return isDerivation(value) && value.drv.builder === "builtin:kiln-debian-fhs" && value.drv.env.has("package");
}

/** The unpacked trees of a Debian package's closure (their store paths). */
function debianClosure(pkg: Derivation): string[] {
  return (pkg.drv.env.get("closure") ?? "").split(" ").filter((path) => path !== "");
}

/**
 * The build root of a package with Debian packages among its inputs: the
 * toolchain's closure, then what the inputs' closures add, merged, so that
 * their headers, libraries and pkg-config files are found where Debian puts
 * them (`/usr/include`, `/usr/lib/x86_64-linux-gnu`). Without such inputs,
 * the toolchain's own root.
 */
export function buildRootWith(withCC: boolean, toolchain: Derivation<"out">, inputs: readonly unknown[]): Derivation<"out"> {
  const extra = inputs.filter(isDebianPackage).flatMap(debianClosure);
  if (extra.length === 0) return toolchain;
  const own = debianClosure(toolchain as Derivation);
  const trees = [...new Set([...own, ...extra])];
  // The toolchain root lists its closure as `closure`, as a package does; a root made here is named after what it adds.
  const added = inputs.filter(isDebianPackage).map((pkg) => pkg.name).sort();
  return fhsEnvDerivation({ name: `${rootName(withCC)}-${added.join("-")}`.slice(0, 200), closure: trees.map((outPath) => ({ outPath })), programsOf: [], links: links(withCC) });
}
