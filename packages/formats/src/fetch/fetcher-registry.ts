/**
 * Which derivations are fetchers, and where in the user's code each was
 * called. `kiln fix-hashes` uses it to find the hash literal to rewrite when
 * a fetch's hash is wrong. Kept on `globalThis` so that every copy of
 * `@kiln/core` in a process shares it, as the string-context registry does.
 */
import type { SourceLocation } from "../evaluation/config-errors.js";

/** What Kiln remembers of one fetcher call. */
export interface FetcherCall {
  /** The fetcher's name, e.g. `fetchurl` or `fetchFromGitHub`. */
  readonly fetcher: string;
  /** The attribute holding the hash in the call (`hash`, `sha256`, …). */
  readonly hashAttribute: string;
  /** The hash as written (possibly `""`). */
  readonly hashAsWritten: string;
  /** The call in the user's source, when it could be found. */
  readonly location: SourceLocation | undefined;
  /** What is fetched, for messages: a URL, or `owner/repo@rev`. */
  readonly source: string;
}

const KEY = Symbol.for("kiln.fetcher-calls");
type Registry = Map<string, FetcherCall>;

function registry(): Registry {
  const holder = globalThis as { [KEY]?: Registry };
  return (holder[KEY] ??= new Map());
}

/** Records that the derivation at `drvPath` was made by a fetcher call. */
export function recordFetcherCall(drvPath: string, call: FetcherCall): void {
  registry().set(drvPath, call);
}

/** The fetcher call that made `drvPath`, if it was one in this process. */
export function fetcherCallOf(drvPath: string): FetcherCall | undefined {
  return registry().get(drvPath);
}
