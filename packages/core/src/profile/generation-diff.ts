/**
 * What changed between two generations, for `kiln diff`: the installed
 * packages added, removed and changed in version (read from the two
 * manifests, by package name as Nix's `parseDrvName` finds it), and the
 * change in closure size, like `nix store diff-closures`.
 */
import type { ActivationManifest, ManifestPackage } from "../activation/activation-manifest.js";
import { parseDrvName } from "../derivation/parse-drv-name.js";

/** A package whose version (or build) changed. */
export interface ChangedPackage {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

/** The difference of two generations. */
export interface GenerationDiff {
  readonly added: readonly ManifestPackage[];
  readonly removed: readonly ManifestPackage[];
  /** Same name, other version; or same version, other build (`from`/`to` are then the store paths). */
  readonly changed: readonly ChangedPackage[];
  readonly closureBytes: { readonly before: number; readonly after: number };
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

/** Compares the packages of `before` and `after`; `closureBytes` sizes each generation's closure. */
export function diffGenerations(before: ActivationManifest, beforePath: string, after: ActivationManifest, afterPath: string, closureBytes: (path: string) => number): GenerationDiff {
  const old = byName(before.packages);
  const now = byName(after.packages);
  const added = [...now].filter(([name]) => !old.has(name)).map(([, pkg]) => pkg);
  const removed = [...old].filter(([name]) => !now.has(name)).map(([, pkg]) => pkg);
  const changed: ChangedPackage[] = [];
  for (const [name, pkg] of now) {
    const previous = old.get(name);
    if (previous === undefined || previous.path === pkg.path) continue;
    const [from, to] = versionOf(previous) === versionOf(pkg) ? [previous.path, pkg.path] : [versionOf(previous), versionOf(pkg)];
    changed.push({ name, from, to });
  }
  const sort = <T extends { name: string }>(list: T[]): T[] => list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { added: sort(added), removed: sort(removed), changed: sort(changed), closureBytes: { before: closureBytes(beforePath), after: closureBytes(afterPath) } };
}
