/**
 * What the CLI does for configs with Debian inputs (`@kiln/debian`): the
 * compact index a config's evaluation needs is built into the command's own
 * store (so the next evaluation reads it from there, with no network), and
 * the lock beside a config is found for `kiln update` and `kiln search`.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { buildDerivationGraph, targetsOf } from "@kiln/core";
import { LOCK_FILE_NAME, setDebianRealiser } from "@kiln/debian";
import { ProgressRenderer } from "./progress.js";
import { withSession } from "./settings/command-session.js";
import { storeDirFor, type StoreSettings } from "./store-options.js";

/**
 * Has Debian indexes needed during evaluation built into the local store the
 * command works with (nothing for the nix realiser: its store is Nix's).
 * On a terminal, the download shows on the status line (counts and bytes),
 * as any build's fetches do.
 */
export function realiseDebianIndexesInto(settings: StoreSettings): void {
  if (settings.realiser === "nix") return;
  const storeDir = storeDirFor(settings);
  // A session of its own: the index is realised while the command evaluates, and its store is closed after, whatever happens.
  setDebianRealiser((derivations) =>
    withSession({ storeDir, noSandbox: true }, async (session) => {
      const renderer = new ProgressRenderer({ stdout: process.stdout, stderr: process.stderr }, { json: false, printBuildLogs: false, live: process.stderr.isTTY === true });
      // Off a terminal nothing is printed: evaluation's output stays what it was without Debian inputs.
      const { failed } = await session
        .realiser()
        .realise(buildDerivationGraph(derivations), targetsOf(derivations), process.stderr.isTTY === true ? { onEvent: renderer.onEvent } : {})
        .finally(() => renderer.finish());
      if (failed.length > 0) throw new Error(failed.map((failure) => failure.message).join("\n"));
    }),
  );
}

/** The config file `--file` names, or `kiln.ts` in the current directory (a directory means its `kiln.ts`). */
export function configFileOf(settings: { readonly file: string | undefined }): string {
  const file = resolve(settings.file ?? "kiln.ts");
  return existsSync(file) && statSync(file).isDirectory() ? join(file, "kiln.ts") : file;
}

/** The lock beside `configFile`. */
export function lockFileOf(configFile: string): string {
  return join(dirname(configFile), LOCK_FILE_NAME);
}
