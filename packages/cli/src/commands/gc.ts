/**
 * `kiln gc [--dry-run]`: delete every store path no root needs.
 */
import { collectGarbage } from "@kiln/core";
import type { Command } from "../command.js";
import { openLocalStore } from "../store-options.js";

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

export const gcCommand: Command = {
  name: "gc",
  summary: "Delete store paths that no root (result link, profile generation, running build) needs",
  usage: "gc [--dry-run] [--print-roots]",
  options: [
    { name: "dry-run", type: "boolean", description: "Only list what would be deleted" },
    { name: "print-roots", type: "boolean", description: "List the roots and what they keep" },
  ],
  async run(args, io) {
    const store = openLocalStore(args);
    try {
      const dryRun = args.options["dry-run"] === true;
      const result = collectGarbage(store, { dryRun });
      if (args.options["print-roots"] === true) for (const [link, target] of result.roots) io.stdout.write(`${link} -> ${target}\n`);
      for (const path of result.deleted) io.stdout.write(`${dryRun ? "would delete" : "deleted"} '${path}'\n`);
      io.stderr.write(`${result.deleted.length} store paths ${dryRun ? "would be deleted" : "deleted"}, ${formatMiB(result.freedBytes)} ${dryRun ? "would be freed" : "freed"}; ${result.live} kept alive by ${result.roots.size} roots\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};
