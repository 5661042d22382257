/**
 * What changed between two generations, for `kiln diff` and the plan
 * `kiln switch` shows: the installed packages added, removed and changed in
 * version (by package name as Nix's `parseDrvName` finds it) and the change
 * in closure size, like `nix store diff-closures`; and, read from the two
 * activation manifests, the managed files (`/etc` entries of a machine,
 * with a unified diff of text files), users and groups (field by field),
 * systemd units, run-time links (`/run/opengl-driver`) and activation scripts, which is what nvd and
 * `nixos-rebuild --diff` leave to the reader of two store paths.
 */
import { parseDrvName, type ActivationManifest, type ManifestPackage } from "@kiln/formats";
import { diffAccounts, type AccountsDiff } from "./accounts-diff.js";
import { byPath, diffManagedFiles, diffUnits, textDiff, type FilesDiff, type UnitsDiff } from "./managed-files-diff.js";

/** A package whose version (or build) changed. */
export interface ChangedPackage {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

/** The packages of two generations. */
export interface PackagesDiff {
  readonly added: readonly ManifestPackage[];
  readonly removed: readonly ManifestPackage[];
  /** Same name, other version; or same version, other build (`from`/`to` are then the store paths). */
  readonly changed: readonly ChangedPackage[];
}

/** An activation script whose snippet changed. */
export interface ChangedScript {
  readonly name: string;
  /** The unified diff of the two snippets, when both are text of at most 64 KiB. */
  readonly diff: string | undefined;
}

/** The activation scripts of two generations, by name. */
export interface ScriptsDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly ChangedScript[];
}

/** A run-time link (`/run/opengl-driver`) and its target. */
export interface RuntimeLink {
  readonly path: string;
  readonly target: string;
}

/** A run-time link whose target changed. */
export interface ChangedRuntimeLink {
  readonly path: string;
  readonly from: string;
  readonly to: string;
}

/** The run-time links of two generations, by path. */
export interface RuntimeLinksDiff {
  readonly added: readonly RuntimeLink[];
  readonly removed: readonly RuntimeLink[];
  readonly changed: readonly ChangedRuntimeLink[];
}

/** The difference of two generations. */
export interface GenerationDiff {
  /** `machine` or `home`: whose files {@link GenerationDiff.files} are (`/etc` entries, or paths in the home). */
  readonly kind: ActivationManifest["kind"];
  readonly packages: PackagesDiff;
  /** Each closure's size in bytes (`NaN` when unknown, e.g. the generation is in another store). */
  readonly closureBytes: { readonly before: number; readonly after: number };
  /** Managed files other than systemd units and their `.wants` links. */
  readonly files: FilesDiff;
  readonly users: AccountsDiff;
  readonly groups: AccountsDiff;
  readonly units: UnitsDiff;
  /** Links below `/run` to store paths that activation makes (`system.runtimeLinks`). */
  readonly runtimeLinks: RuntimeLinksDiff;
  readonly activationScripts: ScriptsDiff;
}

function nameOf(pkg: ManifestPackage): string {
  return pkg.pname ?? parseDrvName(pkg.name).name;
}

function versionOf(pkg: ManifestPackage): string {
  return pkg.version ?? parseDrvName(pkg.name).version;
}

function byName(packages: readonly ManifestPackage[]): Map<string, ManifestPackage> {
  return new Map(packages.map((pkg) => [nameOf(pkg), pkg]));
}

function sortByName<T extends { readonly name: string }>(list: T[]): T[] {
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function diffPackages(before: readonly ManifestPackage[], after: readonly ManifestPackage[]): PackagesDiff {
  const old = byName(before);
  const now = byName(after);
  const added = [...now].filter(([name]) => !old.has(name)).map(([, pkg]) => pkg);
  const removed = [...old].filter(([name]) => !now.has(name)).map(([, pkg]) => pkg);
  const changed: ChangedPackage[] = [];
  for (const [name, pkg] of now) {
    const previous = old.get(name);
    if (previous === undefined || previous.path === pkg.path) continue;
    const [from, to] = versionOf(previous) === versionOf(pkg) ? [previous.path, pkg.path] : [versionOf(previous), versionOf(pkg)];
    changed.push({ name, from, to });
  }
  return { added: sortByName(added), removed: sortByName(removed), changed: sortByName(changed) };
}

function diffScripts(before: ActivationManifest["activationScripts"], after: ActivationManifest["activationScripts"]): ScriptsDiff {
  const old = new Map(before.map((script) => [script.name, script.script]));
  const now = new Map(after.map((script) => [script.name, script.script]));
  const changed: ChangedScript[] = [];
  for (const [name, script] of now) {
    const previous = old.get(name);
    if (previous !== undefined && previous !== script) changed.push({ name, diff: textDiff(`activation-scripts/${name}`, previous, script) });
  }
  return {
    added: [...now.keys()].filter((name) => !old.has(name)).sort(),
    removed: [...old.keys()].filter((name) => !now.has(name)).sort(),
    changed: sortByName(changed),
  };
}

function diffRuntimeLinks(before: ActivationManifest["runtimeLinks"], after: ActivationManifest["runtimeLinks"]): RuntimeLinksDiff {
  const old = before ?? {};
  const now = after ?? {};
  const changed: ChangedRuntimeLink[] = [];
  for (const [path, target] of Object.entries(now)) {
    const previous = old[path];
    if (previous !== undefined && previous !== target) changed.push({ path, from: previous, to: target });
  }
  return {
    added: Object.entries(now).filter(([path]) => old[path] === undefined).map(([path, target]) => ({ path, target })).sort(byPath),
    removed: Object.entries(old).filter(([path]) => now[path] === undefined).map(([path, target]) => ({ path, target })).sort(byPath),
    changed: changed.sort(byPath),
  };
}

/**
 * Compares generation `before` (at `beforePath`; `undefined` for none, as
 * before a machine's first switch) with `after`; `closureBytes` sizes each
 * generation's closure. Text files are read from the store paths the
 * manifests name.
 */
export function diffGenerations(
  before: ActivationManifest | undefined,
  beforePath: string | undefined,
  after: ActivationManifest,
  afterPath: string,
  closureBytes: (path: string) => number,
): GenerationDiff {
  const label = after.kind === "machine" ? "etc/" : "";
  return {
    kind: after.kind,
    packages: diffPackages(before?.packages ?? [], after.packages),
    closureBytes: { before: beforePath === undefined ? 0 : closureBytes(beforePath), after: closureBytes(afterPath) },
    files: diffManagedFiles(before, after, label),
    users: diffAccounts(before?.users ?? {}, after.users),
    groups: diffAccounts(before?.groups ?? {}, after.groups),
    units: diffUnits(before, after),
    runtimeLinks: diffRuntimeLinks(before?.runtimeLinks, after.runtimeLinks),
    activationScripts: diffScripts(before?.activationScripts ?? [], after.activationScripts),
  };
}

/** Whether two generations differ in nothing {@link diffGenerations} reports (closure sizes aside). */
export function isEmptyDiff(diff: GenerationDiff): boolean {
  const lists = [diff.packages, diff.files, diff.users, diff.groups, diff.units, diff.runtimeLinks, diff.activationScripts];
  return lists.every((list) => list.added.length + list.removed.length + list.changed.length === 0);
}
