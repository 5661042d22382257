/**
 * `fetchpatch`: a patch downloaded, normalised (see `patch-normalise.ts`) and
 * pinned by the hash of the normalised text, so that a forge reformatting
 * the same commit (a new git version in the signature, a changed `index`
 * line, a reworded mail header) does not break the hash.
 */
import type { Derivation } from "../derivation/derivation.js";
import { fetchDerivation } from "./fetch-derivation.js";
import type { FetcherHashArgs } from "./fetcher-hash.js";
import { fetcherUrls, nameFromUrl } from "./fetchurl.js";

/** Arguments of {@link fetchpatch}. */
export type FetchpatchArgs = FetcherHashArgs & {
  readonly url?: string;
  readonly urls?: readonly string[];
  /** Defaults to the URL's last component. */
  readonly name?: string;
  /** Leading path components to remove from file names. */
  readonly stripLen?: number;
  /** A directory to put before every file name (after `a/` and `b/`). */
  readonly extraPrefix?: string;
  /** Keep only files matching one of these globs. */
  readonly includes?: readonly string[];
  /** Drop files matching one of these globs. */
  readonly excludes?: readonly string[];
  /** Reverse the patch. */
  readonly revert?: boolean;
};

/**
 * Downloads a patch and normalises it.
 *
 * @example
 * const fix = fetchpatch({ url: "https://github.com/o/r/commit/abc.patch", hash: "sha256-…", excludes: ["ChangeLog"] });
 */
export function fetchpatch(args: FetchpatchArgs): Derivation<"out"> {
  const urls = fetcherUrls("fetchpatch", args);
  const url = urls[0] as string;
  return fetchDerivation({
    fetcher: "fetchpatch",
    builder: "builtin:kiln-fetchpatch",
    name: args.name ?? nameFromUrl("fetchpatch", url),
    mode: "flat",
    hashArgs: args,
    source: `'${url}'`,
    attrs: {
      url,
      urls,
      stripLen: args.stripLen ?? 0,
      extraPrefix: args.extraPrefix ?? null,
      includes: [...(args.includes ?? [])],
      excludes: [...(args.excludes ?? [])],
      revert: args.revert ?? false,
    },
  });
}
