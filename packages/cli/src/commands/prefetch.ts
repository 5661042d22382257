/**
 * `kiln prefetch URL [--unpack]` and `kiln prefetch github:OWNER/REPO/REV`:
 * fetch a source, print its hash (SRI) and store path, and add it to the
 * store, as `nix-prefetch-url` does, so the build that uses the hash does not
 * fetch again.
 */
import { fetchSettingsFromEnvironment, isHashAlgorithm, LocalStore, NixRealiser, parsePrefetchTarget, prefetch, type PrefetchStore } from "@kiln/core";
import type { Command } from "../command.js";
import { nixOptions, realiserName, storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";

export const prefetchCommand: Command = {
  name: "prefetch",
  summary: "Fetch a URL or GitHub revision, add it to the store and print its hash and path",
  usage: "prefetch URL|github:OWNER/REPO/REV [--unpack] [--type sha256|sha512|sha1] [--name NAME] [--executable] [--realiser local|nix] [--json]",
  description:
    "Prints the hash to write in fetchurl (or, with --unpack, fetchzip; for github:, fetchFromGitHub) and the store path the source now has. Names follow the fetchers: the URL's last component, or 'source' when unpacked or from GitHub.",
  options: [
    { name: "unpack", type: "boolean", description: "Unpack the archive and hash the tree (the hash fetchzip wants)" },
    { name: "type", type: "string", value: "ALGO", description: "Hash algorithm: sha256 (default), sha512, sha1" },
    { name: "name", type: "string", value: "NAME", description: "Store path name" },
    { name: "executable", type: "boolean", description: "Make the file executable (fetchurl's executable = true)" },
    { name: "github-base", type: "string", value: "HOST", description: "GitHub Enterprise host for github: targets (default: github.com)" },
    { name: "realiser", type: "string", value: "NAME", description: "local (the default): add to Kiln's store; nix: add to Nix's store" },
    { name: "nix-option", type: "string", value: "NAME=VALUE", multiple: true, description: "With --realiser nix: pass '--option NAME VALUE' to Nix" },
    { name: "json", type: "boolean", description: "Print {hash, path} as JSON" },
  ],
  async run(args, io) {
    const [spec, ...extra] = args.positionals;
    if (spec === undefined || extra.length > 0) throw new UsageError("prefetch takes one URL or github:OWNER/REPO/REV");
    const algorithm = args.options["type"] ?? "sha256";
    if (typeof algorithm !== "string" || !isHashAlgorithm(algorithm)) throw new UsageError(`--type must be sha256, sha512, sha1 or md5, not '${String(algorithm)}'`);
    let target = parsePrefetchTarget(spec, { unpack: args.options["unpack"] === true });
    if (target.kind === "github" && typeof args.options["github-base"] === "string") target = { ...target, githubBase: args.options["github-base"] };
    if (target.kind === "url" && args.options["executable"] === true) target = { ...target, executable: true };
    const realiser = realiserName(args);
    if (realiser === "dry-run") throw new UsageError("prefetch adds to a store: use --realiser local or nix");
    const local = realiser === "local" ? LocalStore.open({ storeDir: storeDirFor(args) }) : undefined;
    try {
      const store: PrefetchStore = local ?? new NixRealiser({ extraArgs: nixOptions(args) });
      const name = args.options["name"];
      const result = await prefetch(target, {
        store,
        settings: fetchSettingsFromEnvironment(),
        algorithm,
        ...(typeof name === "string" ? { name } : {}),
        // A failed fetch logs no error line of its own: it is reported once, as the command's error.
        log: (line) => io.stderr.write(`${line}\n`),
      });
      if (args.options["json"] === true) {
        io.stdout.write(`${JSON.stringify({ hash: result.hash.toSri(), nixBase32: result.hash.toNixBase32(), path: result.path }, null, 2)}\n`);
      } else {
        io.stdout.write(`${result.hash.toSri()}\n${result.path}\n`);
      }
      return 0;
    } finally {
      local?.close();
    }
  },
};
