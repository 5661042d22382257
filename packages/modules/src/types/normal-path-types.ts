/**
 * Paths that are normalised before use, so that a path a module gives
 * cannot reach outside the directory it is meant for: repeated `/`, `.`
 * segments and a final `/` are dropped, and a `..` segment, which would
 * climb out of `--root` (or `/etc`, or the home directory), is refused, as
 * are control characters. Nix normalises path values the same way, but
 * resolves `..`; Kiln refuses it, because activation joins these paths to a
 * root directory that `..` would leave.
 *
 * `absolutePath` (a home directory) and `relativePath` (a file under
 * `/etc` or the home directory) merge their definitions normalised, so
 * `/home/alice/` and `/home/alice` agree.
 */
import { mergeEqualOption } from "./merge-helpers.js";
import { mkOptionType, type MergeDefinition, type OptionType } from "./option-type.js";

/** The segments of `path` that name something: no empty or `.` ones; `undefined` if a `..` or a control character is there. */
function meaningfulSegments(path: string): string[] | undefined {
  if (/[\x00-\x1f]/.test(path)) return undefined;
  const segments = path.split("/").filter((segment) => segment !== "" && segment !== ".");
  return segments.includes("..") ? undefined : segments;
}

/** `path` normalised if it is absolute, without `..` segments or control characters; otherwise `undefined`. */
export function normaliseAbsolutePath(path: string): string | undefined {
  if (!path.startsWith("/")) return undefined;
  const segments = meaningfulSegments(path);
  return segments === undefined ? undefined : `/${segments.join("/")}`;
}

/** `path` normalised if it is relative, names something, and has no `..` segments or control characters; otherwise `undefined`. */
export function normaliseRelativePath(path: string): string | undefined {
  if (path.startsWith("/")) return undefined;
  const segments = meaningfulSegments(path);
  return segments === undefined || segments.length === 0 ? undefined : segments.join("/");
}

/** A string type whose values are `normalise`d when merged, refusing those it cannot normalise. */
export function normalPathType(name: string, description: string, normalise: (path: string) => string | undefined): OptionType<string> {
  return mkOptionType<string>({
    name,
    description,
    check: (value) => typeof value === "string" && normalise(value) !== undefined,
    merge: (loc, definitions) =>
      mergeEqualOption<string>(
        loc,
        definitions.map((definition): MergeDefinition => ({ file: definition.file, value: normalise(definition.value as string) })),
      ),
  });
}

/** An absolute path without `..` segments, normalised (`/home//alice/.` is `/home/alice`). */
export const absolutePath: OptionType<string> = normalPathType("absolutePath", "absolute path without .. segments", normaliseAbsolutePath);

/** A relative path without `..` segments, normalised (`./ssh//ssh_config` is `ssh/ssh_config`). */
export const relativePath: OptionType<string> = normalPathType("relativePath", "relative path without .. segments", normaliseRelativePath);
