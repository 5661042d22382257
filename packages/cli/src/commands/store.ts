/**
 * `kiln store verify [--check-contents]`: check the store against its database.
 */
import { verifyStore } from "@kiln/core";
import type { Command } from "../command.js";
import { openLocalStore } from "../store-options.js";
import { UsageError } from "../usage-error.js";

export const storeCommand: Command = {
  name: "store",
  summary: "Maintain the local store: 'kiln store verify [--check-contents]'",
  usage: "store verify [--check-contents]",
  description: "verify: checks that every valid path exists and its references are valid; with --check-contents, also that its contents still have the registered NAR hash. Exits 1 if anything is wrong.",
  options: [{ name: "check-contents", type: "boolean", description: "Rehash every path and compare with the database" }],
  async run(args, io) {
    const [subcommand, ...rest] = args.positionals;
    if (subcommand !== "verify" || rest.length > 0) throw new UsageError("usage: kiln store verify [--check-contents]");
    const store = openLocalStore(args);
    try {
      const result = verifyStore(store, { checkContents: args.options["check-contents"] === true });
      for (const problem of result.problems) io.stderr.write(`error: ${problem.message}\n`);
      io.stderr.write(`checked ${result.checked} paths: ${result.problems.length === 0 ? "all good" : `${result.problems.length} problems`}\n`);
      return result.problems.length === 0 ? 0 : 1;
    } finally {
      store.close();
    }
  },
};
