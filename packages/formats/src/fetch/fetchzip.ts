/**
 * `fetchzip`: an archive (tar.gz, tar.xz, tar.bz2, tar or zip) downloaded and
 * unpacked, pinned by the NAR hash of the unpacked tree. With `stripRoot`
 * (the default) the archive's single top-level directory becomes the output,
 * as in nixpkgs; the name defaults to `source`, as nixpkgs' does, so a hash
 * from nixpkgs gives the same store path.
 */
import type { Derivation } from "../derivation/derivation.js";
import { fetchDerivation } from "./fetch-derivation.js";
import type { FetcherHashArgs } from "./fetcher-hash.js";
import { fetcherUrls } from "./fetchurl.js";

/** Arguments of {@link fetchzip}. */
export type FetchzipArgs = FetcherHashArgs & {
  readonly url?: string;
  readonly urls?: readonly string[];
  /** The store path name; defaults to `source`. */
  readonly name?: string;
  /** Make the archive's one top-level directory the output (default `true`). */
  readonly stripRoot?: boolean;
};

/** The derivation of an unpacking fetch; `fetcher` names the caller in messages. */
export function unpackedFetch(fetcher: string, args: FetchzipArgs, source?: string): Derivation<"out"> {
  const urls = fetcherUrls(fetcher, args);
  const url = urls[0] as string;
  return fetchDerivation({
    fetcher,
    builder: "builtin:kiln-fetchzip",
    name: args.name ?? "source",
    mode: "recursive",
    hashArgs: args,
    source: source ?? `'${url}'`,
    attrs: { url, urls, stripRoot: args.stripRoot ?? true },
  });
}

/**
 * Downloads and unpacks an archive, pinned by the hash of its contents.
 *
 * @example
 * const src = fetchzip({ url: "https://example.org/foo-1.0.tar.gz", hash: "sha256-…" });
 */
export function fetchzip(args: FetchzipArgs): Derivation<"out"> {
  return unpackedFetch("fetchzip", args);
}
