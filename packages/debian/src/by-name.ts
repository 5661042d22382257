/**
 * The order Kiln lists Debian things in (packages, alternatives): by name,
 * comparing UTF-16 code units as `Array#sort` does by default, so that a
 * list never depends on the order of an index or of a closure.
 */

/** Compares two named things by name, for `sort`. */
export function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
