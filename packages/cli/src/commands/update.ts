/**
 * `kiln update [INPUT…]`: move the Debian inputs of a config (all, or the
 * named ones) to their suites' current signed `Release`, as `nix flake
 * update [INPUT]` moves flake inputs, then lock any input the config has
 * that the lock lacks.
 */
import { existsSync } from "node:fs";
import { loadConfig, setStoreDir } from "@kiln/core";
import { debianMirrors, lockDebianInput, readLockFile, stableJson, writeLockFile, type LockedDebianInput } from "@kiln/debian";
import { defineCommand } from "../settings/define-command.js";
import { text } from "../settings/typed-option.js";
import { configFileOf, lockFileOf, realiseDebianIndexesInto } from "../debian-inputs.js";
import { fallbackPackages } from "../config-options.js";
import { storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";

export const updateCommand = defineCommand({
  name: "update",
  summary: "Lock a config's Debian inputs to their suites' current Release (all, or the named ones) in kiln.lock",
  usage: "update [INPUT…] [--file CONFIG]",
  description:
    "Fetches each input's InRelease from the mirror (KILN_DEBIAN_MIRRORS, else the host's apt sources), verifies it with gpgv against Debian's archive keyring, and records the Release date and the path, size and SHA-256 of the Packages and Contents indexes in kiln.lock beside the config. " +
    "A lock that did not change is not rewritten. Then the config is evaluated, so that inputs it has and the lock lacks are locked too, and kiln.lock.d.ts beside the lock declares the locked package names, so that kiln check reports a misspelt package and editors complete them.",
  options: [text("file", { short: "f", value: "CONFIG", description: "The config (default: kiln.ts in the current directory)" })],
  async run(settings, io) {
    const config = configFileOf(settings);
    const lockFile = lockFileOf(config);
    const lock = readLockFile(lockFile);
    const known = Object.keys(lock.inputs).sort();
    const names = settings.positionals.length > 0 ? [...settings.positionals] : known;
    const unknown = names.filter((name) => !known.includes(name));
    if (unknown.length > 0 && existsSync(lockFile)) {
      throw new UsageError(`'${lockFile}' has no input ${unknown.map((name) => `'${name}'`).join(", ")}; it has ${known.length > 0 ? known.join(", ") : "none"}`);
    }
    const inputs: Record<string, LockedDebianInput> = { ...lock.inputs };
    for (const name of names.filter((n) => known.includes(n))) {
      const old = lock.inputs[name] as LockedDebianInput;
      const fresh = await lockDebianInput({ suite: old.suite, components: old.components, architecture: old.architecture }, { mirrors: debianMirrors(old.suite) });
      // What the input is layered over is the config's, not the archive's: it stays.
      const updated: LockedDebianInput = old.base === undefined ? fresh : { ...fresh, base: old.base };
      inputs[name] = updated;
      const same = stableJson(updated) === stableJson(old);
      io.stderr.write(same ? `input '${name}' is up to date (${old.suite} of ${old.date})\n` : `updated input '${name}': ${old.suite} of ${old.date} -> ${updated.date}\n`);
    }
    // With nothing locked yet there is nothing to write: evaluation below locks what the config has.
    if (names.length > 0 && writeLockFile(lockFile, { version: 1, inputs })) io.stderr.write(`wrote '${lockFile}'\n`);
    if (existsSync(config)) {
      // Evaluating locks what the lock still lacks (each says so) and puts the indexes into the store.
      setStoreDir(storeDirFor(settings));
      realiseDebianIndexesInto(settings);
      await loadConfig(config, { fallbackPackages: fallbackPackages() });
    } else if (known.length === 0) {
      throw new UsageError(`there is no config '${config}' to find Debian inputs in; give one with --file`);
    }
    return 0;
  },
});
