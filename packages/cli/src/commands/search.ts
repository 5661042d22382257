/**
 * `kiln search QUERY`: the packages of a config's locked Debian inputs whose
 * name or description contains every word of QUERY, as `nix search` lists a
 * flake's packages.
 */
import { setStoreDir } from "@kiln/core";
import { debianMirrors, loadPackageIndex, readLockFile } from "@kiln/debian";
import type { Command } from "../command.js";
import { configFileOf, lockFileOf, realiseDebianIndexesInto } from "../debian-inputs.js";
import { storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";

export const searchCommand: Command = {
  name: "search",
  summary: "Search the locked Debian inputs of a config by package name and description",
  usage: "search QUERY… [--file CONFIG] [--json]",
  description: "Reads kiln.lock beside the config (run 'kiln update' first) and the inputs' indexes (from the store; fetched by their locked hash if missing). Names matching every word come first.",
  options: [
    { name: "file", short: "f", type: "string", value: "CONFIG", description: "The config whose kiln.lock is searched (default: kiln.ts in the current directory)" },
    { name: "json", type: "boolean", description: "Print a JSON list of {input, name, version, description}" },
  ],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("'kiln search' needs a query, e.g. 'kiln search process viewer'");
    const query = args.positionals.join(" ");
    const lockFile = lockFileOf(configFileOf(args));
    const lock = readLockFile(lockFile);
    const names = Object.keys(lock.inputs).sort();
    if (names.length === 0) throw new UsageError(`'${lockFile}' locks no Debian input; run 'kiln update' beside a config that has one`);
    setStoreDir(storeDirFor(args));
    realiseDebianIndexesInto(args);
    const found: { input: string; name: string; version: string; description: string }[] = [];
    for (const input of names) {
      const locked = lock.inputs[input];
      if (locked === undefined) continue;
      const index = await loadPackageIndex(locked, debianMirrors(locked.suite));
      for (const entry of index.search(query)) found.push({ input, name: entry.name, version: entry.version, description: entry.description });
    }
    if (args.options["json"] === true) io.stdout.write(`${JSON.stringify(found)}\n`);
    else for (const hit of found) io.stdout.write(`* ${names.length > 1 ? `${hit.input}#` : ""}${hit.name} (${hit.version})\n  ${hit.description}\n`);
    if (found.length === 0) io.stderr.write(`no package of ${names.join(", ")} matches '${query}'\n`);
    return found.length > 0 ? 0 : 1;
  },
};
