/**
 * How option paths and files are shown in messages: `services.nginx.enable`,
 * with names that are not plain identifiers quoted, as NixOS's `showOption`.
 */

/** A path of attribute names from the configuration root to an option. */
export type OptionPath = readonly string[];

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
// Placeholders nixpkgs puts in paths of documentation and element locations.
const PLACEHOLDER = /^(<name>|\*|<[^>]*>|\[definition \d+-entry \d+\])$/;

/** `["a", "b.c", "d"]` → `a."b.c".d`. */
export function showOption(path: OptionPath): string {
  return path.map((name) => (PLAIN_NAME.test(name) || PLACEHOLDER.test(name) ? name : JSON.stringify(name))).join(".");
}

/** `["f1", "f2"]` → `` `f1' and `f2' `` (NixOS's `showFiles`). */
export function showFiles(files: readonly string[]): string {
  return files.map((file) => `\`${file}'`).join(" and ");
}

/** A key for maps indexed by option path; NUL cannot appear in attribute names we accept from JS objects in practice. */
export function pathKey(path: OptionPath): string {
  return path.join("\u0000");
}
