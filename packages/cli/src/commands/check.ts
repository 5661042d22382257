/**
 * `kiln check FILE.ts`: type-check a config and what it imports, reporting
 * each problem with its position, before anything is evaluated.
 */
import type { Command } from "../command.js";
import { fallbackPackages } from "../config-options.js";
import { UsageError } from "../usage-error.js";

export const checkCommand: Command = {
  name: "check",
  summary: "Type-check a config: misspelt options and wrong values, with their positions",
  usage: "check FILE.ts",
  description: "Runs the TypeScript compiler over the config and its imports (strict), with @kiln/* and Node's types available, and prints each problem as file:line:col. Exits 1 if there are errors.",
  options: [],
  async run(args, io) {
    const [file, ...rest] = args.positionals;
    if (file === undefined || rest.length > 0) throw new UsageError("'kiln check' takes one config file, e.g. 'kiln check ./kiln.ts'");
    // The TypeScript compiler is large: load it only for this command.
    const { checkConfig, formatConfigDiagnostic } = await import("../check/check-config.js");
    const diagnostics = checkConfig(file.replace(/#.*$/, ""), { fallbackPackages: fallbackPackages() });
    for (const diagnostic of diagnostics) io.stderr.write(`${formatConfigDiagnostic(diagnostic)}\n`);
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === "error").length;
    io.stderr.write(errors === 0 ? `${file}: no type errors\n` : `${file}: ${errors} type error${errors === 1 ? "" : "s"}\n`);
    return errors === 0 ? 0 : 1;
  },
};
