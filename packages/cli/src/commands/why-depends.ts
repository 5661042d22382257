/**
 * `kiln why-depends PACKAGE DEPENDENCY`: why a Debian package of a config's
 * locked input needs another, as the chain of packages whose requirements
 * brought it into the closure, as `nix why-depends` shows a chain of
 * references.
 */
import { setStoreDir } from "@kiln/core";
import { debianMirrors, dependencyChain, loadPackageIndex, readLockFile } from "@kiln/debian";
import type { Command } from "../command.js";
import { configFileOf, lockFileOf, realiseDebianIndexesInto } from "../debian-inputs.js";
import { storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";

export const whyDependsCommand: Command = {
  name: "why-depends",
  summary: "Show why a Debian package of a config's locked input needs another",
  usage: "why-depends PACKAGE DEPENDENCY [--input NAME] [--file CONFIG] [--essential]",
  description:
    "Resolves PACKAGE's closure from the locked index (kiln.lock beside the config) and prints the chain of packages, each needing the next, that brought DEPENDENCY (a package or a virtual package it provides) in. Exits 1 when the closure does not have it.",
  options: [
    { name: "file", short: "f", type: "string", value: "CONFIG", description: "The config whose kiln.lock is read (default: kiln.ts in the current directory)" },
    { name: "input", type: "string", value: "NAME", description: "The locked input to resolve in (default: the only one)" },
    { name: "essential", type: "boolean", description: "Resolve with the Essential packages, as a package's closure has them by default" },
  ],
  async run(args, io) {
    const [root, target, ...extra] = args.positionals;
    if (root === undefined || target === undefined || extra.length > 0) throw new UsageError("'kiln why-depends' takes two packages, e.g. 'kiln why-depends htop libc6'");
    const lockFile = lockFileOf(configFileOf(args));
    const lock = readLockFile(lockFile);
    const names = Object.keys(lock.inputs).sort();
    const given = args.options["input"];
    const name = typeof given === "string" ? given : names.length === 1 ? names[0] : undefined;
    if (name === undefined) throw new UsageError(names.length === 0 ? `'${lockFile}' locks no Debian input; run 'kiln update' first` : `'${lockFile}' locks ${names.join(", ")}; name one with --input`);
    const locked = lock.inputs[name];
    if (locked === undefined) throw new UsageError(`'${lockFile}' has no input '${name}'; it has ${names.join(", ")}`);
    setStoreDir(storeDirFor(args));
    realiseDebianIndexesInto(args);
    const index = await loadPackageIndex(locked, debianMirrors(locked.suite));
    const chain = dependencyChain(index, root, target, { essential: args.options["essential"] === true });
    if (chain === undefined) {
      io.stderr.write(`'${root}' does not depend on '${target}' in ${name}\n`);
      return 1;
    }
    chain.forEach((entry, depth) => io.stdout.write(`${depth === 0 ? "" : `${"    ".repeat(depth - 1)}└── `}${entry.name} (${entry.version})\n`));
    return 0;
  },
};
