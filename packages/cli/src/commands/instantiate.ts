/**
 * `kiln instantiate FILE.ts[#attr]`: evaluate a config and print the `.drv`
 * path of every derivation in it, as `nix-instantiate` does.
 */
import { assertNotNixManaged, buildDerivationGraph, instantiateCached, LocalStore, resolveStoreLocation, type CachedRoot } from "@kiln/core";
import type { Command } from "../command.js";
import { EVAL_CACHE_OPTIONS, evalCacheOptions, evaluateOptions, singleInstallable } from "../config-options.js";
import { storeDirFor } from "../store-options.js";

/** Whether the store at `storeDir` has every root's `.drv` (then a cached evaluation needs nothing written). */
function storeHasRoots(storeDir: string, roots: readonly CachedRoot[]): boolean {
  const store = LocalStore.open({ storeDir });
  try {
    return store.database.validSubset(roots.map((root) => root.drvPath)).size === new Set(roots.map((root) => root.drvPath)).size;
  } finally {
    store.close();
  }
}

/** Whether Kiln may write into the store at `storeDir` (it never writes into Nix's own store). */
function isKilnStore(storeDir: string): boolean {
  try {
    assertNotNixManaged(resolveStoreLocation({ storeDir }));
    return true;
  } catch {
    return false;
  }
}

export const instantiateCommand: Command = {
  name: "instantiate",
  summary: "Print the .drv paths of the derivations in a config",
  usage: "instantiate FILE.ts[#attr.path] [--json]",
  description:
    "Loads the TypeScript config, takes its default export (or the attribute after '#'), finds every derivation in it, writes their .drv files (and sources) into the local store, and prints their .drv paths, one a line. With --json, prints { \"<attr path>\": { \"drvPath\", \"outputs\": { \"<name>\": \"<path>\" } } }. Nothing is written with --read-only, or when the store directory is Nix's own.",
  options: [
    { name: "json", type: "boolean", description: "Print JSON instead of one path a line" },
    { name: "read-only", type: "boolean", description: "Compute the paths without writing anything to the store" },
    ...EVAL_CACHE_OPTIONS,
  ],
  async run(args, io) {
    const storeDir = storeDirFor(args);
    const writes = args.options["read-only"] !== true && isKilnStore(storeDir);
    const { roots, derivations } = await instantiateCached(singleInstallable(args, "instantiate"), {
      ...evaluateOptions(args, args.positionals[0]),
      storeDir,
      ...evalCacheOptions(args, io),
      // A cached evaluation wrote its .drv files when it was made; if they have been collected since, evaluate again.
      acceptCached: (cached) => !writes || storeHasRoots(storeDir, cached),
    });
    if (writes && derivations !== undefined && derivations.length > 0) {
      const store = LocalStore.open({ storeDir });
      try {
        store.addGraph(buildDerivationGraph(derivations.map(({ derivation }) => derivation)));
      } finally {
        store.close();
      }
    }
    if (args.options["json"] === true) {
      const result: Record<string, { drvPath: string; outputs: Record<string, string> }> = {};
      for (const { attrPath, drvPath, outputs } of roots) result[attrPath] = { drvPath, outputs: { ...outputs } };
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      for (const { drvPath } of roots) io.stdout.write(`${drvPath}\n`);
    }
    return 0;
  },
};
