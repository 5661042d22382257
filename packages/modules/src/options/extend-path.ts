/**
 * A path one attribute name longer: `["a", "b"]` and `"c"` make
 * `["a", "b", "c"]`. Option trees, submodule prefixes, config proxies and
 * placeholders keep such a path for every node, so it is made at its exact
 * size: an array literal built by spread (`[...path, name]`) gets room to grow
 * (about 136 bytes more for a short path, kept as long as the path is), and
 * `concat` of one string takes the engine's generic path, several times
 * slower. nixpkgs builds the same lists with `loc ++ [ name ]`.
 */
import type { OptionPath } from "./show-option.js";

/** `path` with `name` appended, as a new array of exactly that length. */
export function extendPath(path: OptionPath, name: string): string[] {
  const length = path.length;
  const extended = new Array<string>(length + 1);
  for (let index = 0; index < length; index++) extended[index] = path[index] as string;
  extended[length] = name;
  return extended;
}
