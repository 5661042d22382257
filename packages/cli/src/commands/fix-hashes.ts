/**
 * `kiln fix-hashes FILE.ts[#attr]`: fetch every source under the attribute
 * and rewrite each wrong or empty `hash` literal in the config in place.
 */
import { InterruptedError } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import type { FixHashesResult } from "../hash-repair/fix-hashes.js";
import { evaluateOptions, singleInstallable } from "../config-options.js";
import { ProgressRenderer } from "../progress.js";
import { REALISE_OPTIONS_GOING_ON } from "../store-options.js";

/** The closing line: every fetcher checked is counted once, as fixed, already right, left to fix by hand, or failed. */
function fixHashesSummary(result: Pick<FixHashesResult, "checked" | "changes" | "unfixed" | "failed">): string {
  const fine = result.checked - result.changes.length - result.unfixed.length - result.failed.length;
  const counts = [`${result.changes.length} hash${result.changes.length === 1 ? "" : "es"} fixed`, `${fine} already right`];
  if (result.unfixed.length > 0) counts.push(`${result.unfixed.length} to fix by hand`);
  if (result.failed.length > 0) counts.push(`${result.failed.length} failed`);
  return `${result.checked} fetcher${result.checked === 1 ? "" : "s"} checked: ${counts.join(", ")}`;
}

export const fixHashesCommand = defineCommand({
  name: "fix-hashes",
  summary: "Fetch the sources of a config and write the right hashes into its source code",
  usage: "fix-hashes FILE.ts[#attr.path] [--realiser local|nix] [-j N]",
  description:
    "Realises every fetcher (fetchurl, fetchzip, fetchFromGitHub, fetchgit, fetchpatch) under the attribute. Where a hash is wrong or empty, the string literal in your TypeScript is replaced in place (formatting kept) and the change is printed. A fetch that fails is reported once; the last line counts the fetchers fixed, already right, left to fix by hand and failed, and the exit code is 1 if any is in the last two.",
  options: REALISE_OPTIONS_GOING_ON,
  async run(settings, io, session) {
    const renderer = new ProgressRenderer(io, { json: false, printBuildLogs: false });
    const interrupt = new AbortController();
    const reported = new Set<string>();
    const onSignal = (): void => interrupt.abort(new InterruptedError());
    process.once("SIGINT", onSignal);
    try {
      const jobs = settings.maxJobs;
      // ts-morph (and the TypeScript compiler) is large: load it only for this command.
      const { fixHashes } = await import("../hash-repair/fix-hashes.js");
      const result = await fixHashes(singleInstallable(settings, "fix-hashes"), {
        ...evaluateOptions(settings),
        storeDir: session.storeDir,
        realiser: session.realiser(),
        ...(jobs !== undefined ? { jobs } : {}),
        onEvent: (event) => {
          if (event.type === "build-failed") {
            // Mismatches are what this command is for; they are reported as fixes below.
            if (event.message.startsWith("hash mismatch")) return;
            reported.add(event.drvPath);
          }
          renderer.onEvent(event);
        },
        signal: interrupt.signal,
      });
      renderer.finish();
      for (const change of result.changes) {
        io.stdout.write(`${change.file}:${change.line}: ${change.attribute} ${JSON.stringify(change.from)} -> ${JSON.stringify(change.to)}\n`);
      }
      for (const { reason } of result.unfixed) io.stderr.write(`error: ${reason}\n`);
      // A failure the realiser reported as it happened is not printed again.
      for (const { drvPath, message } of result.failed) if (!reported.has(drvPath)) io.stderr.write(`error: ${message}\n`);
      io.stderr.write(`${fixHashesSummary(result)}\n`);
      return result.unfixed.length > 0 || result.failed.length > 0 ? 1 : 0;
    } finally {
      process.off("SIGINT", onSignal);
      renderer.finish();
    }
  },
});
