/**
 * The type of `home.file` names and targets: a path relative to the home
 * directory, the same after `~/`, or an absolute path (which must be inside
 * `home.homeDirectory`, checked when the home is built), normalised as
 * `types.relativePath` and `types.absolutePath` are, so that `..` cannot
 * lead out of the home directory and `./a` and `a` are one file.
 */
import { normaliseAbsolutePath, normaliseRelativePath, normalPathType } from "../../types/normal-path-types.js";
import type { OptionType } from "../../types/option-type.js";

/** `target` normalised (`~/` dropped, as it means the home directory too); `undefined` if it has `..` segments or control characters. */
export function normaliseHomeFileTarget(target: string): string | undefined {
  if (target.startsWith("~/")) return normaliseRelativePath(target.slice(2));
  return target.startsWith("/") ? normaliseAbsolutePath(target) : normaliseRelativePath(target);
}

/** A `home.file` path: relative, after `~/`, or absolute; without `..` segments; normalised (`~/./a` is `a`). */
export const homeFileTarget: OptionType<string> = normalPathType("homeFileTarget", "path in the home directory without .. segments", normaliseHomeFileTarget);
