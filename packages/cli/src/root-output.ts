/**
 * What `kiln build` and `kiln instantiate` do with the roots a config gave,
 * whether evaluated now or taken from the evaluation cache: check the store
 * has them, make `result` links as nix-build names them, print paths. It
 * imports nothing of the evaluator, so a cached command can use it alone.
 */
import { resolve } from "node:path";
import { assertNotNixManaged, ExistingStore, resolveStoreLocation, type CachedRoot } from "@kiln/core/cache-hit";
import type { CommandIO } from "./command.js";

/** What is asked of a store's database here: which paths are valid (a `LocalStore`'s database, or an `ExistingStore`). */
export interface ValidPaths {
  validSubset(paths: readonly string[]): Set<string>;
}

/** What makes a result link a garbage-collector root (a `LocalStore`, or an `ExistingStore`). */
export interface RootLinks {
  addRootLink(link: string, target: string): void;
}

/** The output paths of each root built, by `.drv` path. */
export type BuiltOutputs = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** The `result` link names for the outputs of the i-th derivation built, as nix-build names them. */
function linkName(base: string, index: number, output: string, firstOutput: string): string {
  const numbered = index === 0 ? base : `${base}-${index + 1}`;
  return output === firstOutput ? numbered : `${numbered}-${output}`;
}

/** Makes the result links (named after `base`, `result` by default) of a successful build; returns each link and its target. */
export function makeResultLinks(base: string, roots: readonly CachedRoot[], built: BuiltOutputs, store: RootLinks | undefined): [string, string][] {
  const links: [string, string][] = [];
  roots.forEach((root, index) => {
    const outputs = built.get(root.drvPath) ?? {};
    for (const output of root.outputNames) {
      const target = outputs[output];
      if (target === undefined) continue;
      const link = resolve(linkName(base, index, output, root.outputNames[0] ?? "out"));
      store?.addRootLink(link, target);
      links.push([link, target]);
    }
  });
  return links;
}

/** Whether every output of `roots` is valid in `store`. */
export function allOutputsValid(store: ValidPaths, roots: readonly CachedRoot[]): boolean {
  const paths = roots.flatMap((root) => Object.values(root.outputs));
  return store.validSubset(paths).size === new Set(paths).size;
}

/** Whether `store` has every root's `.drv`. */
export function storeHasRoots(store: ValidPaths, roots: readonly CachedRoot[]): boolean {
  const paths = roots.map((root) => root.drvPath);
  return store.validSubset(paths).size === new Set(paths).size;
}

/** Prints what `kiln build` prints: each root's output paths, or with `json` each root's `.drv` and outputs. */
export function printBuilt(roots: readonly CachedRoot[], built: BuiltOutputs, json: boolean, io: CommandIO): void {
  if (json) {
    const summary = roots.map((root) => ({ drvPath: root.drvPath, outputs: built.get(root.drvPath) ?? {} }));
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    for (const root of roots) for (const path of Object.values(built.get(root.drvPath) ?? {})) io.stdout.write(`${path}\n`);
  }
}

/** Prints what `kiln instantiate` prints: each root's `.drv` path, or with `json` each by attribute path with its outputs. */
export function printInstantiated(roots: readonly CachedRoot[], json: boolean, io: CommandIO): void {
  if (json) {
    const result: Record<string, { drvPath: string; outputs: Record<string, string> }> = {};
    for (const { attrPath, drvPath, outputs } of roots) result[attrPath] = { drvPath, outputs: { ...outputs } };
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    for (const { drvPath } of roots) io.stdout.write(`${drvPath}\n`);
  }
}

/** Whether the store at `storeDir` has every root's `.drv` (then a cached evaluation needs nothing written); a store not yet set up has none. */
export function storeAtHasRoots(storeDir: string, roots: readonly CachedRoot[]): boolean {
  const store = ExistingStore.open({ storeDir });
  if (store === undefined) return false;
  try {
    return storeHasRoots(store, roots);
  } finally {
    store.close();
  }
}

/** Whether Kiln may write into the store at `storeDir` (it never writes into Nix's own store). */
export function isKilnStore(storeDir: string): boolean {
  try {
    assertNotNixManaged(resolveStoreLocation({ storeDir }));
    return true;
  } catch {
    return false;
  }
}
