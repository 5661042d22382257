/**
 * `kiln why-depends PACKAGE DEPENDENCY`: why a Debian package of a config's
 * locked input needs another, as the chain of packages whose requirements
 * brought it into the closure, as `nix why-depends` shows a chain of
 * references. An input layered over another (`debian({ suite, base })`)
 * resolves over both, as the config does, and each package of the chain
 * says which input's index it comes from.
 */
import { setStoreDir } from "@kiln/core";
import { debianMirrors, dependencyChain, loadLockedLayers, loadPackageIndex, readLockFile, topInputs } from "@kiln/debian";
import { defineCommand } from "../settings/define-command.js";
import { flag, text } from "../settings/typed-option.js";
import { configFileOf, lockFileOf, realiseDebianIndexesInto } from "../debian-inputs.js";
import { storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";

export const whyDependsCommand = defineCommand({
  name: "why-depends",
  summary: "Show why a Debian package of a config's locked input needs another",
  usage: "why-depends PACKAGE DEPENDENCY [--input NAME] [--file CONFIG] [--essential]",
  description:
    "Resolves PACKAGE's closure from the locked index (kiln.lock beside the config) and prints the chain of packages, each needing the next, that brought DEPENDENCY (a package or a virtual package it provides) in. An input layered over another (debian({ base })) resolves over both, and each package says which input it comes from. Exits 1 when the closure does not have it.",
  options: [
    text("file", { short: "f", value: "CONFIG", description: "The config whose kiln.lock is read (default: kiln.ts in the current directory)" }),
    text("input", { value: "NAME", description: "The locked input to resolve in, over the inputs it is layered over (default: the only one no other is layered over)" }),
    flag("essential", { description: "Resolve with the Essential packages, as a package's closure has them by default" }),
  ],
  async run(settings, io) {
    const [root, target, ...extra] = settings.positionals;
    if (root === undefined || target === undefined || extra.length > 0) throw new UsageError("'kiln why-depends' takes two packages, e.g. 'kiln why-depends htop libc6'");
    const lockFile = lockFileOf(configFileOf(settings));
    const lock = readLockFile(lockFile);
    const names = Object.keys(lock.inputs).sort();
    const tops = topInputs(lock);
    const given = settings.input;
    const name = given !== undefined ? given : tops.length === 1 ? tops[0] : undefined;
    if (name === undefined) throw new UsageError(names.length === 0 ? `'${lockFile}' locks no Debian input; run 'kiln update' first` : `'${lockFile}' locks ${names.join(", ")}; name one with --input`);
    if (lock.inputs[name] === undefined) throw new UsageError(`'${lockFile}' has no input '${name}'; it has ${names.join(", ")}`);
    setStoreDir(storeDirFor(settings));
    realiseDebianIndexesInto(settings);
    const layers = await loadLockedLayers(lock, name, lockFile, (locked) => loadPackageIndex(locked, debianMirrors(locked.suite)));
    const chain = dependencyChain(layers.index, root, target, { essential: settings.essential });
    const layered = layers.inputs.length > 1;
    if (chain === undefined) {
      io.stderr.write(`'${root}' does not depend on '${target}' in ${name}${layered ? ` (over ${layers.inputs.slice(1).join(", over ")})` : ""}\n`);
      return 1;
    }
    // Over layers, each package says whose index it is from: the dependency that resolves into the base shows as such.
    const from = (entry: (typeof chain)[number]): string => (layered ? ` from ${layers.layerOf(entry)}` : "");
    chain.forEach((entry, depth) => io.stdout.write(`${depth === 0 ? "" : `${"    ".repeat(depth - 1)}└── `}${entry.name} (${entry.version})${from(entry)}\n`));
    return 0;
  },
});
