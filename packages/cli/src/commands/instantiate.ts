/**
 * `kiln instantiate FILE.ts[#attr]`: evaluate a config and print the `.drv`
 * path of every derivation in it, as `nix-instantiate` does.
 */
import { instantiate } from "@kiln/core";
import type { Command } from "../command.js";
import { evaluateOptions, singleInstallable } from "../config-options.js";

export const instantiateCommand: Command = {
  name: "instantiate",
  summary: "Print the .drv paths of the derivations in a config",
  usage: "instantiate FILE.ts[#attr.path] [--json]",
  description:
    "Loads the TypeScript config, takes its default export (or the attribute after '#'), finds every derivation in it and prints their .drv paths, one a line. With --json, prints { \"<attr path>\": { \"drvPath\", \"outputs\": { \"<name>\": \"<path>\" } } }.",
  options: [{ name: "json", type: "boolean", description: "Print JSON instead of one path a line" }],
  async run(args, io) {
    const found = await instantiate(singleInstallable(args, "instantiate"), evaluateOptions(args));
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
