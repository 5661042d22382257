/**
 * `kiln instantiate FILE.ts[#attr]`: evaluate a config and print the `.drv`
 * path of every derivation in it, as `nix-instantiate` does.
 */
import { buildDerivationGraph, instantiateCached, LocalStore } from "@kiln/core";
import type { Command } from "../command.js";
import { EVAL_CACHE_OPTIONS, evalCacheOptions, evaluateOptions, singleInstallable } from "../config-options.js";
import { storeDirFor } from "../store-options.js";
import { isKilnStore, printInstantiated, storeAtHasRoots } from "../root-output.js";

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
      acceptCached: (cached) => !writes || storeAtHasRoots(storeDir, cached),
    });
    if (writes && derivations !== undefined && derivations.length > 0) {
      const store = LocalStore.open({ storeDir });
      try {
        store.addGraph(buildDerivationGraph(derivations.map(({ derivation }) => derivation)));
      } finally {
        store.close();
      }
    }
    printInstantiated(roots, args.options["json"] === true, io);
    return 0;
  },
};
