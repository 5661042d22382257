/**
 * `kiln import [FILE]`: reads an export stream (`kiln export`,
 * `nix-store --export`) from FILE or standard input and makes its paths
 * valid in the store, with their references and derivers, as
 * `nix-store --import` does; prints each path. Every NAR is checked, and a
 * stream that is cut short or altered registers nothing.
 */
import { createReadStream } from "node:fs";
import { importPaths } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { formatBytes } from "../format-bytes.js";
import { UsageError } from "../usage-error.js";

export const importCommand = defineCommand({
  name: "import",
  summary: "Add the paths of an export stream (kiln export, nix-store --export) to the store",
  usage: "import [FILE]",
  description:
    "Reads the stream from FILE or standard input, checks every NAR (and that a path without a deriver, such as a source or a .drv, is what its contents hash to), and registers all its paths with their references and derivers in one step: a truncated or altered stream leaves the store unchanged. " +
    "Each reference must be in the stream or already in the store (export with --closure). Prints every path of the stream.",
  options: [],
  async run(settings, io, session) {
    if (settings.positionals.length > 1) throw new UsageError("usage: kiln import [FILE]");
    const file = settings.positionals[0];
    if (file === undefined && process.stdin.isTTY === true) {
      throw new UsageError("'kiln import' reads an export stream: give a FILE or redirect standard input ('< closure.nar')");
    }
    const source = file !== undefined ? createReadStream(file) : process.stdin;
    const store = session.store();
    let bytes = 0;
    const result = await importPaths(store, source, { onPath: (_path, narSize) => (bytes += narSize) });
    for (const path of result.paths) io.stdout.write(`${path}\n`);
    io.stderr.write(`imported ${result.paths.length} path${result.paths.length === 1 ? "" : "s"} (${formatBytes(bytes)}), ${result.added.length} of them new\n`);
    return 0;
  },
});
