/**
 * `kiln prefetch URL [--unpack]` and `kiln prefetch github:OWNER/REPO/REV`:
 * fetch a source, print its hash (SRI) and store path, and add it to the
 * store, as `nix-prefetch-url` does, so the build that uses the hash does not
 * fetch again.
 */
import { fetchSettingsFromEnvironment, isHashAlgorithm, NixRealiser, parsePrefetchTarget, prefetch, type HashAlgorithm, type PrefetchStore } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { converted, flag, text } from "../settings/typed-option.js";
import { NIX_OPTION, nixOptions, REALISER_OPTION } from "../store-options.js";
import { UsageError } from "../usage-error.js";

/** `--type ALGO`, or a usage error naming it. */
function hashAlgorithm(given: string): HashAlgorithm {
  if (!isHashAlgorithm(given)) throw new UsageError(`--type must be sha256, sha512, sha1 or md5, not '${given}'`);
  return given;
}

export const prefetchCommand = defineCommand({
  name: "prefetch",
  summary: "Fetch a URL or GitHub revision, add it to the store and print its hash and path",
  usage: "prefetch URL|github:OWNER/REPO/REV [--unpack] [--type sha256|sha512|sha1] [--name NAME] [--executable] [--realiser local|nix] [--json]",
  description:
    "Prints the hash to write in fetchurl (or, with --unpack, fetchzip; for github:, fetchFromGitHub) and the store path the source now has. Names follow the fetchers: the URL's last component, or 'source' when unpacked or from GitHub.",
  options: [
    flag("unpack", { description: "Unpack the archive and hash the tree (the hash fetchzip wants)" }),
    converted("type", { value: "ALGO", description: "Hash algorithm: sha256 (default), sha512, sha1" }, hashAlgorithm),
    text("name", { value: "NAME", description: "Store path name" }),
    flag("executable", { description: "Make the file executable (fetchurl's executable = true)" }),
    text("github-base", { value: "HOST", description: "GitHub Enterprise host for github: targets (default: github.com)" }),
    { ...REALISER_OPTION, description: "local (the default): add to Kiln's store; nix: add to Nix's store" },
    { ...NIX_OPTION, description: "With --realiser nix: pass '--option NAME VALUE' to Nix" },
    flag("json", { description: "Print {hash, path} as JSON" }),
  ],
  async run(settings, io, session) {
    const [spec, ...extra] = settings.positionals;
    if (spec === undefined || extra.length > 0) throw new UsageError("prefetch takes one URL or github:OWNER/REPO/REV");
    const algorithm = settings.type ?? "sha256";
    let target = parsePrefetchTarget(spec, { unpack: settings.unpack });
    if (target.kind === "github" && settings.githubBase !== undefined) target = { ...target, githubBase: settings.githubBase };
    if (target.kind === "url" && settings.executable) target = { ...target, executable: true };
    if (settings.realiser === "dry-run") throw new UsageError("prefetch adds to a store: use --realiser local or nix");
    const store: PrefetchStore = session.localStore() ?? new NixRealiser({ extraArgs: nixOptions(settings) });
    const { name } = settings;
    const result = await prefetch(target, {
      store,
      settings: fetchSettingsFromEnvironment(),
      algorithm,
      ...(name !== undefined ? { name } : {}),
      // A failed fetch logs no error line of its own: it is reported once, as the command's error.
      log: (line) => io.stderr.write(`${line}\n`),
    });
    if (settings.json) {
      io.stdout.write(`${JSON.stringify({ hash: result.hash.toSri(), nixBase32: result.hash.toNixBase32(), path: result.path }, null, 2)}\n`);
    } else {
      io.stdout.write(`${result.hash.toSri()}\n${result.path}\n`);
    }
    return 0;
  },
});
