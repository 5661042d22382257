/**
 * `kiln gc [--dry-run] [--delete-older-than AGE]`: delete every store path
 * no root needs. Generations are roots and stay unless asked:
 * `--delete-older-than 30d` first deletes the profile's old generations (as
 * `nix-collect-garbage --delete-older-than` does), and `-d` all but the
 * current ones, of the machine and (without `--root`) of the user's home,
 * as `nix-collect-garbage -d` does. `--print-roots` lists the
 * roots and what each keeps alive, and deletes nothing (as
 * `nix-store --gc --print-roots`).
 */
import { homedir } from "node:os";
import { collectGarbage, deleteOldGenerations, homeTarget, listRoots, machineTarget, parseAge, targetProfile, type ActivationTarget } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { flag, text } from "../settings/typed-option.js";
import { formatBytes } from "../format-bytes.js";
import { flaggedTarget, HOME_FLAG, PROFILE_ROOT_OPTION } from "../machines/target-options.js";
import { UsageError } from "../usage-error.js";

/**
 * The profiles `gc -d` prunes: with `--home`, the home's (of `--root` or
 * `$HOME`); with `--root`, that machine's; otherwise the machine's at `/`
 * (only as root, who owns it) and the user's home's.
 */
function oldGenerationTargets(settings: { readonly root: string | undefined; readonly home: boolean }): { targets: ActivationTarget[]; skipped: string | undefined } {
  if (settings.home || settings.root !== undefined) return { targets: [flaggedTarget(settings)], skipped: undefined };
  const home = homeTarget(homedir());
  if (process.getuid?.() === 0) return { targets: [machineTarget("/"), home], skipped: undefined };
  return { targets: [home], skipped: "the machine's generations (in /var/lib/kiln) are root's: 'sudo kiln gc -d' deletes those" };
}

export const gcCommand = defineCommand({
  name: "gc",
  summary: "Delete store paths that no root (result link, profile generation, running build) needs",
  usage: "gc [--dry-run] [--print-roots] [-d | --delete-older-than AGE] [--root DIR] [--home]",
  options: [
    flag("dry-run", { description: "Only list what would be deleted" }),
    flag("print-roots", { description: "Only list the roots and what each keeps alive; delete nothing" }),
    text("delete-older-than", { value: "AGE", description: "First delete the profile's generations older than AGE (e.g. 30d), keeping the current one" }),
    flag("delete-old", { short: "d", description: "First delete every old generation (all but the current one) of the machine and, without --root, of your home" }),
    PROFILE_ROOT_OPTION,
    HOME_FLAG,
  ],
  async run(settings, io, session) {
    const { printRoots, dryRun } = settings;
    // A collection gives back the space reserve first: on a full disk the database needs it even to open.
    const store = session.store({ releaseGcReserve: !printRoots && !dryRun });
    if (printRoots) {
      const roots = listRoots(store);
      for (const root of roots) {
        io.stdout.write(`${root.root} -> ${root.targets.join(" ")} (keeps ${root.closurePaths} paths, ${formatBytes(root.closureBytes)})\n`);
      }
      io.stderr.write(`${roots.length} roots\n`);
      return 0;
    }
    const age = settings.deleteOlderThan;
    if (age !== undefined && settings.deleteOld) throw new UsageError("give -d or --delete-older-than, not both");
    if (settings.deleteOld) {
      const { targets, skipped } = oldGenerationTargets(settings);
      if (dryRun) io.stderr.write("--dry-run: no generations are deleted\n");
      else {
        for (const { profile, deleted } of deleteOldGenerations(targets)) {
          for (const generation of deleted) io.stderr.write(`deleted generation ${generation.number} of ${profile} (${generation.path})\n`);
          io.stderr.write(`${profile}: ${deleted.length} old generation${deleted.length === 1 ? "" : "s"} deleted\n`);
        }
      }
      if (skipped !== undefined) io.stderr.write(`note: ${skipped}\n`);
    }
    if (age !== undefined) {
      const ageMs = parseAge(age);
      if (dryRun) io.stderr.write("--dry-run: no generations are deleted\n");
      else for (const generation of targetProfile(flaggedTarget(settings)).deleteOlderThan(ageMs)) io.stderr.write(`deleted generation ${generation.number} (${generation.path})\n`);
    }
    const result = collectGarbage(store, { dryRun });
    for (const path of result.deleted) io.stdout.write(`${dryRun ? "would delete" : "deleted"} '${path}'\n`);
    io.stderr.write(`${result.deleted.length} store paths ${dryRun ? "would be deleted" : "deleted"}, ${formatBytes(result.freedBytes)} ${dryRun ? "would be freed" : "freed"}; ${result.live} kept alive by ${result.roots.size} roots\n`);
    return 0;
  },
});
