/**
 * Prefetching: fetch a source once to learn its hash, and add it to a store
 * so that the build that follows does not fetch it again. The library side
 * of `kiln prefetch URL [--unpack]` and `kiln prefetch github:OWNER/REPO/REV`.
 */
import { type Derivation, zeroHash, type Hash, type HashAlgorithm, type FileIngestionMethod, FetcherArgumentError, fetchFromGitHub, fetchurl, fetchzip } from "@kiln/formats";
import { fetchFixedOutput } from "./fetch-fixed-output.js";
import type { FetchSettings } from "./fetch-settings.js";

/** What to prefetch. */
export type PrefetchTarget =
  | { readonly kind: "url"; readonly url: string; readonly unpack: boolean; readonly executable?: boolean }
  | { readonly kind: "github"; readonly owner: string; readonly repo: string; readonly rev: string; readonly githubBase?: string };

/** Parses `github:OWNER/REPO/REV` or a URL. */
export function parsePrefetchTarget(text: string, options: { readonly unpack?: boolean } = {}): PrefetchTarget {
  if (text.startsWith("github:")) {
    const parts = text.slice("github:".length).split("/");
    const [owner, repo, ...rest] = parts;
    if (owner === undefined || owner === "" || repo === undefined || repo === "" || rest.length === 0 || rest.join("/") === "") {
      throw new FetcherArgumentError(`'${text}' is not of the form github:OWNER/REPO/REV`);
    }
    return { kind: "github", owner, repo, rev: rest.join("/") };
  }
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text)) throw new FetcherArgumentError(`'${text}' is neither a URL nor github:OWNER/REPO/REV`);
  return { kind: "url", url: text, unpack: options.unpack ?? false };
}

/**
 * The fetcher derivation `target` stands for, with an all-zero hash of
 * `algorithm`: what a config would write with `hash: ""`. Names follow the
 * fetchers: a URL's last component, `source` when unpacked or from GitHub.
 */
export function prefetchDerivation(target: PrefetchTarget, algorithm: HashAlgorithm = "sha256", name?: string): Derivation<"out"> {
  // The all-zero hash written out, rather than "", which would warn.
  const hash = { hash: zeroHash(algorithm).toSri() };
  const named = name !== undefined ? { name } : {};
  if (target.kind === "github") {
    return fetchFromGitHub({ owner: target.owner, repo: target.repo, rev: target.rev, ...(target.githubBase !== undefined ? { githubBase: target.githubBase } : {}), ...hash, ...named });
  }
  if (target.unpack) return fetchzip({ url: target.url, ...hash, ...named });
  return fetchurl({ url: target.url, ...hash, ...named, ...(target.executable === true ? { executable: true } : {}) });
}

/** Where a prefetched source is added: a Kiln store, or Nix's through the nix realiser. */
export interface PrefetchStore {
  /** Adds the file or directory at `source` as a fixed-output path, returning that path. */
  addFixed(source: string, name: string, method: FileIngestionMethod, algorithm: HashAlgorithm): { path: string } | Promise<{ path: string }>;
}

/** What {@link prefetch} found. */
export interface PrefetchResult {
  /** The hash of the fetched file (flat) or tree (NAR). */
  readonly hash: Hash;
  /** The store path it now has. */
  readonly path: string;
  /** The fetcher derivation it answers (with the zero hash). */
  readonly derivation: Derivation;
}

/** Fetches `target`, hashes it and adds it to `store`. */
export async function prefetch(
  target: PrefetchTarget,
  options: {
    readonly store: PrefetchStore;
    readonly settings: FetchSettings;
    readonly algorithm?: HashAlgorithm;
    readonly name?: string;
    readonly log?: (line: string) => void;
    readonly onBytes?: (url: string, bytes: number, total: number | undefined) => void;
    readonly signal?: AbortSignal;
  },
): Promise<PrefetchResult> {
  const derivation = prefetchDerivation(target, options.algorithm ?? "sha256", options.name);
  const fetched = await fetchFixedOutput(derivation.drv, {
    settings: options.settings,
    ...(options.log !== undefined ? { log: options.log } : {}),
    ...(options.onBytes !== undefined ? { onBytes: options.onBytes } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  try {
    const { path } = await options.store.addFixed(fetched.path, derivation.name, fetched.method, fetched.hash.algorithm);
    return { hash: fetched.hash, path, derivation };
  } finally {
    fetched.dispose();
  }
}
