/**
 * Checks shared by the managed files of machines (`environment.etc`) and
 * homes (`home.file`): a target is not inside another target, and a
 * source is in the store, so that activation links only what the
 * generation's closure holds. (The option types normalise the targets and
 * refuse `..`; see `types/normal-path-types.ts`.)
 */
import { getStoreDir } from "@kiln/formats";
import type { PackageValue } from "../types/primitive-types.js";
import { packagePath } from "./package-values.js";

/** String-context marks Kiln puts into strings that name store paths. */
const CONTEXT_MARKS = /[\uFDD0\uFDD1]/g;

/** The store path of a file's `source`; `fail` makes the error (naming the option) when it is not in the store. */
export function storeSourcePath(source: string | PackageValue, fail: (message: string) => Error, option: string): string {
  const path = packagePath(source);
  const storeDir = getStoreDir();
  if (!path.replace(CONTEXT_MARKS, "").startsWith(`${storeDir}/`)) {
    throw fail(`${option} is \`${path}', which is not in the store (${storeDir}): use \`text', a package, or a local file copied into the store with path("./file") from @kiln/core.`);
  }
  return path;
}

/**
 * The first target (in sorted order) that lies inside another target, with
 * that outer one: an entry linked as a whole cannot also have files managed
 * inside it.
 */
export function findNestedTarget(targets: ReadonlySet<string> | ReadonlyMap<string, unknown>): { readonly inner: string; readonly outer: string } | undefined {
  for (const inner of [...targets.keys()].sort()) {
    const segments = inner.split("/");
    for (let length = 1; length < segments.length; length++) {
      const outer = segments.slice(0, length).join("/");
      if (targets.has(outer)) return { inner, outer };
    }
  }
  return undefined;
}
