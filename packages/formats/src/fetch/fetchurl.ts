/**
 * `fetchurl`: a file from a URL, pinned by its hash (a flat hash of the file,
 * or with `executable` the NAR hash of an executable file, as in nixpkgs).
 *
 * With one URL the derivation is byte for byte the one Nix's
 * `import <nix/fetchurl.nix> { url; hash; }` makes, so Nix can realise it
 * with its own `builtin:fetchurl`; the output path is nixpkgs' `fetchurl`'s.
 * `mirror://gnu/…` URLs are resolved when fetching (see `mirrors.ts`).
 */
import type { Derivation } from "../derivation/derivation.js";
import { storePathNameProblem } from "../store/store-path.js";
import { FetcherArgumentError } from "./fetch-errors.js";
import { baseNameOf, fetchDerivation } from "./fetch-derivation.js";
import type { FetcherHashArgs } from "./fetcher-hash.js";

/** Arguments of {@link fetchurl}. */
export type FetchurlArgs = FetcherHashArgs & {
  /** The URL; or give `urls`. */
  readonly url?: string;
  /** URLs tried in turn until one works. */
  readonly urls?: readonly string[];
  /** The store path name; defaults to the URL's last component. */
  readonly name?: string;
  /** Make the file executable (the hash is then the NAR hash of the file). */
  readonly executable?: boolean;
};

/** The URLs of a fetcher call, checked: `url` or a non-empty `urls`, not both. */
export function fetcherUrls(fetcher: string, args: { readonly url?: string; readonly urls?: readonly string[] }): string[] {
  if (args.url !== undefined && args.urls !== undefined) throw new FetcherArgumentError(`${fetcher}: give 'url' or 'urls', not both`);
  const urls = args.url !== undefined ? [args.url] : [...(args.urls ?? [])];
  if (urls.length === 0) throw new FetcherArgumentError(`${fetcher}: 'url' (or a non-empty 'urls') is required`);
  for (const url of urls) {
    if (typeof url !== "string" || !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url)) throw new FetcherArgumentError(`${fetcher}: '${String(url)}' is not a URL`);
  }
  return urls;
}

/** The default name of a fetched file: the URL's last path component, without query or fragment. */
export function nameFromUrl(fetcher: string, url: string): string {
  const name = baseNameOf(url.replace(/[?#].*$/, ""));
  const problem = storePathNameProblem(name);
  if (problem !== undefined) throw new FetcherArgumentError(`${fetcher}: cannot name the store path after '${url}' (${problem}); give 'name'`);
  return name;
}

/**
 * Downloads a file, pinned by hash.
 *
 * @example
 * const src = fetchurl({ url: "mirror://gnu/hello/hello-2.12.1.tar.gz", hash: "sha256-jZkUKv2SV28wsM18tCqNxoCZmLxdYH2Idh9RLibH2yA=" });
 */
export function fetchurl(args: FetchurlArgs): Derivation<"out"> {
  const urls = fetcherUrls("fetchurl", args);
  const url = urls[0] as string;
  const executable = args.executable ?? false;
  return fetchDerivation({
    fetcher: "fetchurl",
    builder: "builtin:fetchurl",
    name: args.name ?? nameFromUrl("fetchurl", url),
    mode: executable ? "recursive" : "flat",
    hashArgs: args,
    source: `'${url}'`,
    attrs: { url, urls, executable, unpack: false },
  });
}
