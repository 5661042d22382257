/**
 * `kiln export [--closure] [-o FILE] PATH…`: writes store paths as an
 * export stream, the format of `nix-store --export`, to standard output or
 * FILE, so that `kiln import` (or `nix-store --import`) on another machine,
 * one with no network say, gets exactly those paths. With `--closure`, each
 * path's closure goes along, as `nix-store --export $(nix-store -qR PATH)`.
 */
import { renameSync, rmSync, createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { exportPaths } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { flag, text } from "../settings/typed-option.js";
import { formatBytes } from "../format-bytes.js";
import { UsageError } from "../usage-error.js";
import { resolvePathArgument } from "./path-info.js";

export const exportCommand = defineCommand({
  name: "export",
  summary: "Write store paths (with --closure, their closures) as a nix-store --export stream",
  usage: "export [--closure] [-o FILE] PATH…",
  description:
    "Writes the paths in Nix's export format, each after the paths it refers to, to standard output or FILE; 'kiln import' or 'nix-store --import' reads it. " +
    "A PATH may be a store path, a link to one (./result), or a config's package (FILE.ts#attr). Each path's files are checked against the NAR hash the store registered for it as they are written. " +
    "To carry a locked build to a machine without network: 'kiln export --closure -o closure.nar ./result' here, 'kiln import closure.nar' there.",
  options: [
    flag("closure", { description: "Export each path's closure (everything it refers to, transitively)" }),
    text("output", { short: "o", value: "FILE", description: "Write to FILE (replaced only once the whole stream is written) instead of standard output" }),
  ],
  async run(settings, io, session) {
    if (settings.positionals.length === 0) throw new UsageError("'kiln export' needs a path, e.g. 'kiln export --closure -o closure.nar ./result'");
    const { output } = settings;
    if (output === undefined && io.stdout.isTTY === true) {
      throw new UsageError("'kiln export' writes a binary stream: redirect standard output ('> closure.nar') or give '-o FILE'");
    }
    const store = session.store();
    const paths: string[] = [];
    for (const argument of settings.positionals) paths.push(...(await resolvePathArgument(argument, settings, store)));
    const plan = exportPaths(store, paths, { closure: settings.closure });
    if (output !== undefined) {
      const temporary = `${output}.tmp-${process.pid}`;
      try {
        await pipeline(Readable.from(plan.chunks, { objectMode: false }), createWriteStream(temporary, { flags: "wx" }));
        renameSync(temporary, output);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
    } else {
      // Not ended: standard output stays usable (and open) for the caller.
      await pipeline(Readable.from(plan.chunks, { objectMode: false }), io.stdout, { end: false });
    }
    io.stderr.write(`exported ${plan.paths.length} path${plan.paths.length === 1 ? "" : "s"} (${formatBytes(plan.narSize)})${output !== undefined ? ` to '${output}'` : ""}\n`);
    return 0;
  },
});
