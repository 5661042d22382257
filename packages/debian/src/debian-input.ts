/**
 * `debian({ suite, components, architecture })`: Debian's archive as an
 * input of a config, the way a flake input pins nixpkgs. The input is locked
 * in `kiln.lock` beside the config (on first use, if it is not yet); its
 * packages are derivations: `deb.htop`, `deb["nginx-light"]`.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { callerLocation, reportWarning, type Derivation, closeNames } from "@kiln/formats";
import type { FetchSettings } from "@kiln/store";
import { debianMirrors } from "./apt-sources.js";
import { DebianInputError, DebianMirrorError, DebianResolveError } from "./debian-errors.js";
import { loadPackageIndex } from "./index-loader.js";
import { LOCK_FILE_NAME, readLockFile, writeLockFile, type LockedDebianInput } from "./lock-file.js";
import { lockDebianInput, type DebianInputSpec } from "./lock-input.js";
import type { IndexPackage, PackageIndex } from "./package-index.js";
import { FHS_RUNNER } from "./environment-mounts.js";
import { fhsEnvDerivation, packageDerivation, unpackedDerivation } from "./package-derivations.js";
import { layeredIndex, layerOf, listsEntry, PACKAGE_LAYER, type PackageLayer } from "./package-layers.js";
import { resolveClosure } from "./resolve-closure.js";
import { PACKAGE_SET_MEMBERS, writePackageNames, type DebianPackage, type DebianPackageMeta, type DebianPackageNames } from "./package-names.js";
import { chooseMainProgram, loadProgramIndex, type ProgramIndex } from "./program-index.js";

/** Options of {@link debian}. */
export interface DebianOptions {
  /** A suite or codename, e.g. `bookworm`. */
  readonly suite: string;
  /** Components (default `["main"]`). */
  readonly components?: readonly string[];
  /** A Debian architecture (default `amd64`). */
  readonly architecture?: string;
  /** The input's name in `kiln.lock` and for `kiln update NAME` (default `debian-SUITE`). */
  readonly name?: string;
  /** The lock file (default: `kiln.lock` beside the file that calls `debian`). */
  readonly lockFile?: string;
  /** Whether each package's closure includes the `Essential: yes` packages a Debian system assumes (default `true`). */
  readonly essential?: boolean;
  /** The keyring `InRelease` is verified against (default: the host's Debian archive keyring). */
  readonly keyring?: string;
  /** Archive roots to fetch from (default: `KILN_DEBIAN_MIRRORS`, else the host's apt sources). */
  readonly mirrors?: readonly string[];
  /**
   * The input this one is layered over, for a suite that carries only what
   * it changes (`bookworm-updates`, `bookworm-backports` over `bookworm`):
   * packages resolve over both indexes, the newest satisfying version
   * winning as with apt, and each is fetched as its own input locks it.
   */
  readonly base?: DebianPackageSet;
  readonly fetchSettings?: FetchSettings;
}

/** The operations of a {@link DebianPackageSet} besides its packages. */
export interface DebianPackageSetOperations {
  /** The input's name in the lock. */
  readonly inputName: string;
  /** What the input is locked to. */
  readonly locked: LockedDebianInput;
  /** The parsed index (this input's own, without its `base`'s). */
  readonly index: PackageIndex;
  /** The package `name`: a derivation that refers to the unpacked `.deb`s of its closure. */
  package(name: string): DebianPackage;
  /** The closure of `names` as index entries, sorted by name. */
  closure(names: readonly string[]): IndexPackage[];
  /** Packages whose name or description contains every word of `query`. */
  search(query: string): IndexPackage[];
  /**
   * An FHS environment of `packages` and their closure: wrappers in `bin/`
   * for the packages' programs, and with `runScript` (a path inside the
   * environment, e.g. `/bin/bash`) `bin/<name>` running it.
   */
  fhsEnv(options: DebianFhsEnvOptions): Derivation<"out"> & { readonly fhsRun: string };
}

/** Options of {@link DebianPackageSetOperations.fhsEnv}. */
export interface DebianFhsEnvOptions {
  readonly name: string;
  /** Package names. */
  readonly packages: readonly string[];
  readonly runScript?: string;
  /** Symlinks to add where the merged tree has nothing, e.g. `{ "usr/bin/awk": "gawk" }` (what alternatives would make). */
  readonly links?: Readonly<Record<string, string>>;
  /** Make the merged tree of hard links or copies instead of symlinks into the unpacked packages (see {@link FhsEnvSpec.copyFiles}). */
  readonly copyFiles?: boolean;
}

/**
 * A locked Debian input: each package by name (`deb.htop`), and the
 * operations. For an input whose names `kiln.lock.d.ts` lists, exactly its
 * packages are properties; otherwise any name is.
 */
export type DebianPackageSet<Input extends string = string> = DebianPackageSetOperations &
  (Input extends keyof DebianPackageNames ? DebianPackageNames[Input] : { readonly [name: string]: DebianPackage });

/** The input name of `debian(options)`, as a type: `name`, else `debian-SUITE`. */
export type DebianInputNameOf<Options extends DebianOptions> = Options extends { readonly name: infer Name extends string } ? Name : `debian-${Options["suite"]}`;

// dist (or src): this package's own code, whose frames are not the caller's.
const CODE_ROOT = dirname(fileURLToPath(import.meta.url));

/** Where a config's lock lies: given, or beside the file that called `debian`. */
function lockFileOf(options: DebianOptions): string {
  if (options.lockFile !== undefined) return options.lockFile;
  const location = callerLocation([CODE_ROOT]);
  return join(location !== undefined ? dirname(location.file) : process.cwd(), LOCK_FILE_NAME);
}

function matches(locked: LockedDebianInput, spec: DebianInputSpec): boolean {
  return locked.suite === spec.suite && locked.architecture === spec.architecture && locked.components.join(" ") === spec.components.join(" ");
}

/**
 * A Debian suite as an input: locked on first use (fetching and verifying
 * the suite's `InRelease`, then writing `kiln.lock`), then read from the
 * lock. Package derivations fetch `.deb`s by the SHA-256 the locked index
 * gives.
 *
 * @example
 * const deb = await debian({ suite: "bookworm" });
 * export default { htop: deb.htop };
 */
export async function debian<const Options extends DebianOptions>(options: Options): Promise<DebianPackageSet<DebianInputNameOf<Options>>> {
  if (typeof options.suite !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.suite)) throw new DebianInputError(`debian: 'suite' must be a suite name such as "bookworm", got ${JSON.stringify(options.suite)}`);
  const spec: DebianInputSpec = { suite: options.suite, components: options.components ?? ["main"], architecture: options.architecture ?? "amd64" };
  if (spec.components.length === 0) throw new DebianInputError("debian: 'components' must name at least one component, e.g. [\"main\"]");
  const inputName = options.name ?? `debian-${spec.suite}`;
  const lockFile = lockFileOf(options);
  const lock = readLockFile(lockFile);
  let locked = lock.inputs[inputName];
  const needsLocking = locked === undefined || !matches(locked, spec);
  // A locked input needs no mirror when the store or a hashed mirror has its files (an offline machine).
  const mirrors = options.mirrors ?? (needsLocking ? debianMirrors(spec.suite) : mirrorsIfAny(spec.suite));
  if (locked === undefined || needsLocking) {
    const why = locked === undefined ? "was not locked" : "changed since it was locked";
    locked = await lockDebianInput(spec, { mirrors, ...(options.keyring !== undefined ? { keyring: options.keyring } : {}), ...(options.fetchSettings !== undefined ? { fetchSettings: options.fetchSettings } : {}) });
    // Read again: another input of the config may have been locked meanwhile (debian() calls awaited together).
    writeLockFile(lockFile, { version: 1, inputs: { ...readLockFile(lockFile).inputs, [inputName]: locked } });
    reportWarning(`input '${inputName}' ${why}; locked it to ${spec.suite} of ${locked.date} in '${lockFile}'`);
  }
  const base = options.base !== undefined ? layerOf(options.base, "base") : undefined;
  if (locked.base !== base?.inputName) {
    // The layering, for the commands that read the lock without evaluating the config (kiln search, kiln why-depends).
    const { base: _old, ...rest } = locked;
    locked = base === undefined ? rest : { ...rest, base: base.inputName };
    writeLockFile(lockFile, { version: 1, inputs: { ...readLockFile(lockFile).inputs, [inputName]: locked } });
  }
  const index = await loadPackageIndex(locked, mirrors, options.fetchSettings !== undefined ? { fetchSettings: options.fetchSettings } : {});
  const programs = await loadProgramIndex(locked, mirrors);
  writePackageNames(lockFile, inputName, locked, () => index.names(), Object.keys(readLockFile(lockFile).inputs));
  return packageSet(inputName, locked, index, programs, mirrors, options.essential ?? true, base) as DebianPackageSet<DebianInputNameOf<Options>>;
}

/** `drv` with `pname`, `version` and `meta` (`description`, and `mainProgram` when known), as nixpkgs packages have them. */
function withMeta(drv: Derivation<"out">, entry: IndexPackage, mainProgram: string | undefined): DebianPackage {
  const meta: DebianPackageMeta = { description: entry.description, ...(mainProgram !== undefined ? { mainProgram } : {}) };
  return Object.defineProperties(drv, {
    pname: { value: entry.name, enumerable: true },
    version: { value: entry.version, enumerable: true },
    meta: { value: Object.freeze(meta), enumerable: true },
  }) as DebianPackage;
}

function mirrorsIfAny(suite: string): string[] {
  try {
    return debianMirrors(suite);
  } catch (error) {
    if (error instanceof DebianMirrorError) return [];
    throw error;
  }
}

/** `drv`, an FHS environment, with `fhsRun`: the path of its runner (see {@link FHS_RUNNER}), by which modules run programs it has no wrapper of. */
function withRunner<T extends Derivation<"out">>(drv: T): T & { readonly fhsRun: string } {
  return Object.defineProperty(drv, "fhsRun", { value: `${drv.outPath}/${FHS_RUNNER}`, enumerable: false }) as T & { readonly fhsRun: string };
}

/** Which package set made a package (for `withPackages`). */
const PACKAGE_ENTRY = new WeakMap<Derivation, IndexPackage>();

function packageSet(inputName: string, locked: LockedDebianInput, index: PackageIndex, programs: ProgramIndex | undefined, mirrors: readonly string[], essential: boolean, base: PackageLayer | undefined): DebianPackageSet {
  const resolution = layeredIndex(index, base);
  const unpacked = new Map<IndexPackage, Derivation<"out">>();
  const packages = new Map<string, DebianPackage>();
  const layer: PackageLayer = {
    inputName,
    index: resolution,
    unpack(entry) {
      if (!listsEntry(index, entry)) return base?.unpack(entry);
      let made = unpacked.get(entry);
      if (made === undefined) unpacked.set(entry, (made = unpackedDerivation(entry, mirrors)));
      return made;
    },
  };
  const unpack = (entry: IndexPackage): Derivation<"out"> => layer.unpack(entry) as Derivation<"out">;
  const described = base === undefined ? inputName : `${inputName} (over ${base.inputName})`;
  /** An FHS environment of `roots` and their closure, wrappers for the roots' programs. */
  const environment = (name: string, roots: readonly IndexPackage[], runScript?: string, links?: Readonly<Record<string, string>>, copyFiles?: boolean): Derivation<"out"> & { readonly fhsRun: string } => {
    const closure = resolveClosure(resolution, roots.map((entry) => entry.name), { essential });
    const ordered = [...roots, ...closure.filter((entry) => !roots.includes(entry))];
    return withRunner(fhsEnvDerivation({ name, closure: ordered.map(unpack), programsOf: roots.map(unpack), ...(runScript !== undefined ? { runScript } : {}), ...(links !== undefined ? { links } : {}), ...(copyFiles === true ? { copyFiles } : {}) }));
  };
  const withPackages = (entry: IndexPackage, others: readonly (Derivation | string)[]): Derivation<"out"> & { readonly fhsRun: string } => {
    const roots = [entry, ...others.map((other) => {
      const found = typeof other === "string" ? undefined : PACKAGE_ENTRY.get(other);
      if (found === undefined || !listsEntry(resolution, found)) {
        throw new DebianInputError(`withPackages: '${typeof other === "string" ? other : other.name}' is not a package of ${described}; give packages of this input or the inputs it is layered over`);
      }
      return found;
    })];
    return environment(`${entry.name}-${entry.version}-with-packages`, [...new Set(roots)]);
  };
  const operations: DebianPackageSetOperations = {
    inputName,
    locked,
    index,
    package(name) {
      let made = packages.get(name);
      if (made !== undefined) return made;
      const entry = resolution.get(name);
      if (entry === undefined) {
        const close = closeNames(name, resolution.names());
        throw new DebianResolveError(`'${name}' is not a package of ${described} (${locked.suite} of ${locked.date})${close.length > 0 ? `; did you mean ${close.map((n) => `'${n}'`).join(", ")}?` : ""}`);
      }
      const closure = resolveClosure(resolution, [name], { essential });
      const ordered = [entry, ...closure.filter((other) => other !== entry)];
      const byName = new Map(closure.map((other) => [other.name, other]));
      const direct = resolution.requirements(entry).flatMap((requirement) => requirement.map((relation) => byName.get(relation.name)).find((found) => found !== undefined) ?? []);
      const dependencies = [...new Set(direct)];
      // As the wrappers are made: the package's own programs, else (a meta package) its direct dependencies'.
      const own = programs?.get(entry.name) ?? [];
      const runnable = own.length > 0 ? own : dependencies.flatMap((dependency) => programs?.get(dependency.name) ?? []);
      made = withMeta(packageDerivation(entry, ordered.map(unpack), dependencies.map(unpack)), entry, programs === undefined ? undefined : chooseMainProgram(entry.name, [...new Set(runnable)]));
      Object.defineProperty(made, "withPackages", { value: (others: readonly (Derivation | string)[]) => withPackages(entry, others) });
      withRunner(made);
      PACKAGE_ENTRY.set(made, entry);
      packages.set(name, made);
      return made;
    },
    closure: (names) => resolveClosure(resolution, names, { essential }),
    fhsEnv({ name, packages: names, runScript, links, copyFiles }) {
      if (typeof name !== "string" || name === "") throw new DebianInputError("fhsEnv: 'name' is required");
      const roots = names.map((packageName) => {
        const entry = resolution.get(packageName);
        // package() throws the error that names close packages.
        if (entry === undefined) operations.package(packageName);
        return entry as IndexPackage;
      });
      return environment(name, roots, runScript, links, copyFiles);
    },
    search: (query) => index.search(query),
  };
  Object.defineProperty(operations, PACKAGE_LAYER, { value: layer });
  return new Proxy(operations, {
    get(target, property, receiver) {
      if (typeof property !== "string" || property in target) return Reflect.get(target, property, receiver) as unknown;
      // Promise-likeness is probed with `then`; a package set is not a promise.
      if (PACKAGE_SET_MEMBERS.includes(property)) return undefined;
      return target.package(property);
    },
  }) as DebianPackageSet;
}
