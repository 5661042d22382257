/**
 * Orders strings by their UTF-8 bytes, as C++ `std::string` comparison in Nix
 * does. JavaScript's `<` compares UTF-16 code units, which puts characters
 * above U+FFFF (stored as surrogates, 0xD800–0xDFFF) before U+E000–U+FFFF;
 * in UTF-8 they come after. Comparing code points gives the UTF-8 order.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only when both differ inside the surrogate/high-BMP zone can UTF-16 order disagree with UTF-8 order.
    if (x >= 0xd800 && y >= 0xd800) {
      const cx = a.codePointAt(i) ?? x;
      const cy = b.codePointAt(i) ?? y;
      return cx < cy ? -1 : cx > cy ? 1 : 0;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Lists up to this long are sorted by insertion in JavaScript; longer ones by `Array.prototype.sort`. */
const INSERTION_SORT_LIMIT = 16;

/**
 * Sorts `items` in place by UTF-8 bytes (see {@link compareUtf8}) and returns it.
 * Derivations sort many short lists (a handful of environment names, one or two
 * inputs), most of them sorted already: an insertion sort here finds that in
 * one pass, where `Array.prototype.sort` calls its comparator from native code.
 */
export function sortUtf8<T extends string>(items: T[]): T[] {
  if (items.length > INSERTION_SORT_LIMIT) return items.sort(compareUtf8);
  for (let i = 1; i < items.length; i++) {
    const item = items[i] as T;
    let j = i - 1;
    while (j >= 0 && compareUtf8(items[j] as T, item) > 0) {
      items[j + 1] = items[j] as T;
      j--;
    }
    items[j + 1] = item;
  }
  return items;
}
