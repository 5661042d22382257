/**
 * `kiln search QUERY`: the packages of a config's locked Debian inputs whose
 * name or description contains every word of QUERY, as `nix search` lists a
 * flake's packages. An input layered over another (`debian({ suite, base })`)
 * is searched with the inputs beneath it, as the config resolves in them:
 * for each name the newest version, marked with the input it comes from.
 */
import { setStoreDir } from "@kiln/core";
import { debianMirrors, loadLockedLayers, loadPackageIndex, readLockFile, topInputs, type IndexPackage, type LockedDebianInput, type PackageIndex } from "@kiln/debian";
import { defineCommand } from "../settings/define-command.js";
import { flag, text } from "../settings/typed-option.js";
import { configFileOf, lockFileOf, realiseDebianIndexesInto } from "../debian-inputs.js";
import { storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";

export const searchCommand = defineCommand({
  name: "search",
  summary: "Search the locked Debian inputs of a config by package name and description",
  usage: "search QUERY… [--file CONFIG] [--input NAME] [--json]",
  description:
    "Reads kiln.lock beside the config (run 'kiln update' first) and the inputs' indexes (from the store; fetched by their locked hash if missing). Names matching every word come first. An input layered over another (debian({ base })) is searched with the inputs beneath it: for each name the newest version, marked with the input it comes from.",
  options: [
    text("file", { short: "f", value: "CONFIG", description: "The config whose kiln.lock is searched (default: kiln.ts in the current directory)" }),
    text("input", { value: "NAME", description: "Search this input and the inputs it is layered over (default: every input, each with its layers)" }),
    flag("json", { description: "Print a JSON list of {input, name, version, description}; input is the one whose index lists the package" }),
  ],
  async run(settings, io) {
    if (settings.positionals.length === 0) throw new UsageError("'kiln search' needs a query, e.g. 'kiln search process viewer'");
    const query = settings.positionals.join(" ");
    const lockFile = lockFileOf(configFileOf(settings));
    const lock = readLockFile(lockFile);
    const names = Object.keys(lock.inputs).sort();
    if (names.length === 0) throw new UsageError(`'${lockFile}' locks no Debian input; run 'kiln update' beside a config that has one`);
    setStoreDir(storeDirFor(settings));
    realiseDebianIndexesInto(settings);
    const given = settings.input;
    if (given !== undefined && lock.inputs[given] === undefined) throw new UsageError(`'${lockFile}' has no input '${given}'; it has ${names.join(", ")}`);
    // Each input with the inputs beneath it; a base searched for two inputs lists its packages once.
    const searched = given !== undefined ? [given] : topInputs(lock);
    const seen = new Set<IndexPackage>();
    const loaded = new Map<LockedDebianInput, Promise<PackageIndex>>();
    const load = (locked: LockedDebianInput): Promise<PackageIndex> => {
      let index = loaded.get(locked);
      if (index === undefined) loaded.set(locked, (index = loadPackageIndex(locked, debianMirrors(locked.suite))));
      return index;
    };
    const found: { input: string; name: string; version: string; description: string }[] = [];
    let shown = 0;
    for (const input of searched) {
      const layers = await loadLockedLayers(lock, input, lockFile, load);
      shown = Math.max(shown, layers.inputs.length);
      for (const entry of layers.index.search(query)) {
        if (seen.has(entry)) continue;
        seen.add(entry);
        found.push({ input: layers.layerOf(entry), name: entry.name, version: entry.version, description: entry.description });
      }
    }
    // Marked with their input whenever more than one could list them.
    const marked = shown > 1 || searched.length > 1;
    if (settings.json) io.stdout.write(`${JSON.stringify(found)}\n`);
    else for (const hit of found) io.stdout.write(`* ${marked ? `${hit.input}#` : ""}${hit.name} (${hit.version})\n  ${hit.description}\n`);
    if (found.length === 0) io.stderr.write(`no package of ${given ?? names.join(", ")} matches '${query}'\n`);
    return found.length > 0 ? 0 : 1;
  },
});
