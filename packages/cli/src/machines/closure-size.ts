/** The closure size of a generation, for `kiln generations` and `kiln diff`. */
import type { LocalStore } from "@kiln/core";

/** The total NAR size of `path`'s closure in `store`, or `undefined` when the store does not have it (e.g. Nix built it). */
export function closureBytes(store: LocalStore, path: string): number | undefined {
  if (!store.isValid(path)) return undefined;
  let total = 0;
  for (const member of store.closure([path])) total += store.pathInfo(member)?.narSize ?? 0;
  return total;
}
