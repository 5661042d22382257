/**
 * `kiln instantiate FILE.ts[#attr]`: evaluate a config and print the `.drv`
 * path of every derivation in it, as `nix-instantiate` does.
 */
import { assertNotNixManaged, buildDerivationGraph, instantiate, LocalStore, resolveStoreLocation } from "@kiln/core";
import type { Command } from "../command.js";
import { evaluateOptions, singleInstallable } from "../config-options.js";
import { storeDirFor } from "../store-options.js";

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
  ],
  async run(args, io) {
    const storeDir = storeDirFor(args);
    const found = await instantiate(singleInstallable(args, "instantiate"), { ...evaluateOptions(args, args.positionals[0]), storeDir });
    if (args.options["read-only"] !== true && found.length > 0 && isKilnStore(storeDir)) {
      const store = LocalStore.open({ storeDir });
      try {
        store.addGraph(buildDerivationGraph(found.map(({ derivation }) => derivation)));
      } finally {
        store.close();
      }
    }
    if (args.options["json"] === true) {
      const result: Record<string, { drvPath: string; outputs: Record<string, string> }> = {};
      for (const { attrPath, derivation } of found) {
        const outputs: Record<string, string> = {};
        for (const name of derivation.outputNames) outputs[name] = derivation.outputs[name]?.path ?? "";
        result[attrPath] = { drvPath: derivation.drvPath, outputs };
      }
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      for (const { derivation } of found) io.stdout.write(`${derivation.drvPath}\n`);
    }
    return 0;
  },
};
