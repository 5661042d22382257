/**
 * `kiln gc [--dry-run] [--delete-older-than AGE]`: delete every store path
 * no root needs. Generations are roots and stay unless asked:
 * `--delete-older-than 30d` first deletes the profile's old generations (as
 * `nix-collect-garbage --delete-older-than` does). `--print-roots` lists the
 * roots and what each keeps alive, and deletes nothing (as
 * `nix-store --gc --print-roots`).
 */
import { collectGarbage, listRoots, parseAge, targetProfile } from "@kiln/core";
import type { Command } from "../command.js";
import { formatBytes } from "../format-bytes.js";
import { flaggedTarget, HOME_FLAG, PROFILE_ROOT_OPTION } from "../machines/target-options.js";
import { openLocalStore } from "../store-options.js";

export const gcCommand: Command = {
  name: "gc",
  summary: "Delete store paths that no root (result link, profile generation, running build) needs",
  usage: "gc [--dry-run] [--print-roots] [--delete-older-than AGE [--root DIR] [--home]]",
  options: [
    { name: "dry-run", type: "boolean", description: "Only list what would be deleted" },
    { name: "print-roots", type: "boolean", description: "Only list the roots and what each keeps alive; delete nothing" },
    { name: "delete-older-than", type: "string", value: "AGE", description: "First delete the profile's generations older than AGE (e.g. 30d), keeping the current one" },
    PROFILE_ROOT_OPTION,
    HOME_FLAG,
  ],
  async run(args, io) {
    const printRoots = args.options["print-roots"] === true;
    // A collection gives back the space reserve first: on a full disk the database needs it even to open.
    const store = openLocalStore(args, { releaseGcReserve: !printRoots && args.options["dry-run"] !== true });
    try {
      if (printRoots) {
        const roots = listRoots(store);
        for (const root of roots) {
          io.stdout.write(`${root.root} -> ${root.targets.join(" ")} (keeps ${root.closurePaths} paths, ${formatBytes(root.closureBytes)})\n`);
        }
        io.stderr.write(`${roots.length} roots\n`);
        return 0;
      }
      const dryRun = args.options["dry-run"] === true;
      const age = args.options["delete-older-than"];
      if (typeof age === "string") {
        const ageMs = parseAge(age);
        if (dryRun) io.stderr.write("--dry-run: no generations are deleted\n");
        else for (const generation of targetProfile(flaggedTarget(args)).deleteOlderThan(ageMs)) io.stderr.write(`deleted generation ${generation.number} (${generation.path})\n`);
      }
      const result = collectGarbage(store, { dryRun });
      for (const path of result.deleted) io.stdout.write(`${dryRun ? "would delete" : "deleted"} '${path}'\n`);
      io.stderr.write(`${result.deleted.length} store paths ${dryRun ? "would be deleted" : "deleted"}, ${formatBytes(result.freedBytes)} ${dryRun ? "would be freed" : "freed"}; ${result.live} kept alive by ${result.roots.size} roots\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};
