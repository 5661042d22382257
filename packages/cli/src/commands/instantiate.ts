/**
 * `kiln instantiate FILE.ts[#attr]`: evaluate a config and print the `.drv`
 * path of every derivation in it, as `nix-instantiate` does.
 */
import { buildDerivationGraph, instantiateCached } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { flag } from "../settings/typed-option.js";
import { EVAL_CACHE_OPTIONS, evalCacheOptions, evaluateOptions, singleInstallable } from "../config-options.js";
import { isKilnStore, printInstantiated, storeAtHasRoots } from "../root-output.js";

export const instantiateCommand = defineCommand({
  name: "instantiate",
  summary: "Print the .drv paths of the derivations in a config",
  usage: "instantiate FILE.ts[#attr.path] [--json]",
  description:
    "Loads the TypeScript config, takes its default export (or the attribute after '#'), finds every derivation in it, writes their .drv files (and sources) into the local store, and prints their .drv paths, one a line. With --json, prints { \"<attr path>\": { \"drvPath\", \"outputs\": { \"<name>\": \"<path>\" } } }. Nothing is written with --read-only, or when the store directory is Nix's own.",
  options: [
    flag("json", { description: "Print JSON instead of one path a line" }),
    flag("read-only", { description: "Compute the paths without writing anything to the store" }),
    ...EVAL_CACHE_OPTIONS,
  ],
  async run(settings, io, session) {
    const storeDir = session.storeDir;
    const writes = !settings.readOnly && isKilnStore(storeDir);
    const { roots, derivations } = await instantiateCached(singleInstallable(settings, "instantiate"), {
      ...evaluateOptions(settings, settings.positionals[0]),
      storeDir,
      ...evalCacheOptions(settings, io),
      // A cached evaluation wrote its .drv files when it was made; if they have been collected since, evaluate again.
      acceptCached: (cached) => !writes || storeAtHasRoots(storeDir, cached),
    });
    if (writes && derivations !== undefined && derivations.length > 0) {
      session.store().addGraph(buildDerivationGraph(derivations.map(({ derivation }) => derivation)));
    }
    printInstantiated(roots, settings.json, io);
    return 0;
  },
});
