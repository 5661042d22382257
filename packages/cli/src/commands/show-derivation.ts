/**
 * `kiln show-derivation FILE.ts#attr`: the derivations as JSON, in the shape
 * `nix show-derivation` prints.
 */
import { derivationClosure, findDerivation, instantiate, toShowDerivation, type ShowDerivation } from "@kiln/core";
import type { Command } from "../command.js";
import { evaluateOptions, singleInstallable } from "../config-options.js";

export const showDerivationCommand: Command = {
  name: "show-derivation",
  summary: "Print derivations as JSON, as 'nix show-derivation' does",
  usage: "show-derivation FILE.ts[#attr.path] [--recursive]",
  options: [{ name: "recursive", short: "r", type: "boolean", description: "Include every derivation they depend on" }],
  async run(args, io) {
    const found = await instantiate(singleInstallable(args, "show-derivation"), evaluateOptions(args, args.positionals[0]));
    const roots = found.map(({ derivation }) => derivation);
    const derivations = args.options["recursive"] === true ? derivationClosure(roots, (drvPath) => findDerivation(drvPath)) : roots;
    const result: Record<string, ShowDerivation> = {};
    for (const derivation of derivations) result[derivation.drvPath] = toShowDerivation(derivation.drv);
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  },
};
