/**
 * `kiln store verify [--check-contents] [--repair]`: check the store against
 * its database and, with `--repair`, build or fetch again every valid path
 * that is missing or was modified (as `nix-store --verify --check-contents
 * --repair`).
 */
import { repairStore, verifyStore } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { flag } from "../settings/typed-option.js";
import { ProgressRenderer } from "../progress.js";
import { sandboxSetting } from "../store-options.js";
import { UsageError } from "../usage-error.js";

const USAGE = "store verify [--check-contents] [--repair] [--sandbox|--no-sandbox]";

export const storeCommand = defineCommand({
  name: "store",
  summary: "Maintain the local store: 'kiln store verify [--check-contents] [--repair]'",
  usage: USAGE,
  description:
    "verify: checks that every valid path exists and its references are valid; with --check-contents, also that its contents still have the registered NAR hash. " +
    "With --repair, every missing or modified path is built or fetched again from the derivation that made it, replacing the damaged copy; a path no derivation makes and nothing refers to is forgotten (it is added again when next needed). " +
    "Exits 1 if anything is still wrong.",
  options: [
    flag("check-contents", { description: "Rehash every path and compare with the database" }),
    flag("repair", { description: "Rebuild or refetch missing and modified paths" }),
    flag("sandbox", { description: "With --repair: require the bubblewrap sandbox" }),
    flag("no-sandbox", { description: "With --repair: build without a sandbox" }),
  ],
  async run(settings, io, session) {
    const [subcommand, ...rest] = settings.positionals;
    if (subcommand !== "verify" || rest.length > 0) throw new UsageError(`usage: kiln ${USAGE}`);
    const { checkContents } = settings;
    const store = session.store();
    let result = verifyStore(store, { checkContents });
    for (const problem of result.problems) io.stderr.write(`error: ${problem.message}\n`);
    if (settings.repair && result.problems.length > 0) {
      const renderer = new ProgressRenderer(io, { json: false, printBuildLogs: false });
      const repaired = await repairStore(store, result.problems, { sandbox: sandboxSetting(settings), onEvent: renderer.onEvent });
      renderer.finish();
      for (const path of repaired.rebuilt) io.stderr.write(`repaired '${path}'\n`);
      for (const path of repaired.forgotten) io.stderr.write(`forgot '${path}': nothing refers to it and no derivation makes it; it is added again when next needed\n`);
      for (const { path, reason } of repaired.unrepairable) io.stderr.write(`error: cannot repair '${path}': ${reason}\n`);
      for (const failure of repaired.failed) io.stderr.write(`error: ${failure.message}\n`);
      result = verifyStore(store, { checkContents });
    }
    io.stderr.write(`checked ${result.checked} paths: ${result.problems.length === 0 ? "all good" : `${result.problems.length} problems`}\n`);
    return result.problems.length === 0 ? 0 : 1;
  },
});
