/**
 * `home.file` as the manifest's `files`: each enabled entry under its path
 * relative to the home directory, checked so that activation can apply it:
 * targets stay inside the home (an absolute target must be below
 * `home.homeDirectory`), no two entries claim one path, no entry is inside
 * another (a directory linked from the store cannot hold more files), and
 * every source is in the store. Entries with `executable` set link to a
 * store copy of their source with that mode.
 */
import type { ManagedFile } from "@kiln/formats";
import { showOption } from "../../options/show-option.js";
import type { PackageValue } from "../../types/primitive-types.js";
import type { MachinePackageSet } from "../../target/package-set.js";
import { findNestedTarget, storeSourcePath } from "../../target/managed-file-paths.js";
import { normaliseAbsolutePath, normaliseRelativePath } from "../../types/normal-path-types.js";
import { storePathName } from "../../target/package-values.js";
import { HomeConfigError } from "../home-config-error.js";

/** A `home.file` entry as read from `config`. */
export interface HomeFileEntry {
  readonly enable: boolean;
  readonly target: string;
  readonly source: string | PackageValue;
  readonly executable: boolean | null;
}

/** Whose files they are: the owner written into the manifest, and the directory absolute targets must be in. */
export interface HomeOwner {
  readonly username: string;
  readonly homeDirectory: string;
}

function fileOption(name: string, field: string): string {
  return showOption(["home", "file", name, field]);
}

/** The target as a clean path relative to the home: `~/`, or the home directory, dropped from its start. */
function normalTarget(name: string, target: string, homeDirectory: string): string {
  const home = normaliseAbsolutePath(homeDirectory) ?? homeDirectory;
  let relative = target.startsWith("~/") ? target.slice(2) : target;
  if (relative.startsWith("/")) {
    const absolute = normaliseAbsolutePath(relative);
    const inside = home === "/" ? "/" : `${home}/`;
    if (absolute === undefined || !absolute.startsWith(inside)) {
      throw new HomeConfigError(`${fileOption(name, "target")} is \`${target}', which is outside the home directory ${home}: give a path relative to it, such as \`.config/app/config.toml'.`);
    }
    relative = absolute.slice(inside.length);
  }
  const normal = normaliseRelativePath(relative);
  if (normal === undefined) {
    throw new HomeConfigError(`${fileOption(name, "target")} is \`${target}', which is not a path inside the home directory: give a relative path such as \`.config/app/config.toml', without \`..' segments.`);
  }
  return normal;
}

function storeSource(name: string, source: string | PackageValue): string {
  return storeSourcePath(source, (message) => new HomeConfigError(message), fileOption(name, "source"));
}

/** The source with the mode `executable` asks for: a store copy, made executable or not. */
function withMode(pkgs: MachinePackageSet, target: string, source: string, executable: boolean | null): string {
  if (executable === null) return source;
  const mode = executable ? "0555" : "0444";
  const copy = pkgs.runCommand(`home-file-${storePathName(target.replace(/\//g, "-"))}`, { src: source, preferLocalBuild: true, allowSubstitutes: false }, `cp "$src" "$out"\nchmod ${mode} "$out"\n`);
  return String(copy);
}

/** The manifest's `files`, sorted by target. */
export function managedHomeFiles(pkgs: MachinePackageSet, files: Readonly<Record<string, HomeFileEntry>>, owner: HomeOwner): Record<string, ManagedFile> {
  const byTarget = new Map<string, { readonly name: string; readonly file: ManagedFile }>();
  for (const [name, entry] of Object.entries(files)) {
    if (!entry.enable) continue;
    const target = normalTarget(name, entry.target, owner.homeDirectory);
    const previous = byTarget.get(target);
    if (previous !== undefined) {
      throw new HomeConfigError(`~/${target} is defined twice, by ${showOption(["home", "file", previous.name])} and ${showOption(["home", "file", name])}: disable one of them (\`enable = false') or give it another \`target'.`);
    }
    const source = withMode(pkgs, target, storeSource(name, entry.source), entry.executable);
    // Owner and group only matter for copies; home files are links, but the manifest names them anyway.
    byTarget.set(target, { name, file: { source, mode: "symlink", user: owner.username, group: owner.username } });
  }
  const nested = findNestedTarget(byTarget);
  if (nested !== undefined) {
    const { inner, outer } = nested;
    throw new HomeConfigError(
      `~/${inner} (${showOption(["home", "file", byTarget.get(inner)?.name ?? inner])}) is inside ~/${outer} (${showOption(["home", "file", byTarget.get(outer)?.name ?? outer])}), which is one entry linked as a whole: manage the files one by one, or put the file into that entry's source.`,
    );
  }
  const targets = [...byTarget.keys()].sort();
  return Object.fromEntries(targets.map((target) => [target, (byTarget.get(target) as { file: ManagedFile }).file]));
}
