/**
 * `kiln show-derivation FILE.ts#attr`: the derivations as JSON, in the shape
 * `nix show-derivation` prints.
 */
import { derivationClosure, findDerivation, instantiate, toShowDerivation, type ShowDerivation } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { flag } from "../settings/typed-option.js";
import { evaluateOptions, singleInstallable } from "../config-options.js";

export const showDerivationCommand = defineCommand({
  name: "show-derivation",
  summary: "Print derivations as JSON, as 'nix show-derivation' does",
  usage: "show-derivation FILE.ts[#attr.path] [--recursive]",
  options: [flag("recursive", { short: "r", description: "Include every derivation they depend on" })],
  async run(settings, io) {
    const found = await instantiate(singleInstallable(settings, "show-derivation"), evaluateOptions(settings, settings.positionals[0]));
    const roots = found.map(({ derivation }) => derivation);
    const derivations = settings.recursive ? derivationClosure(roots, (drvPath) => findDerivation(drvPath)) : roots;
    const result: Record<string, ShowDerivation> = {};
    for (const derivation of derivations) result[derivation.drvPath] = toShowDerivation(derivation.drv);
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  },
});
