/**
 * `fetchgit`: a git revision checked out with the host's `git`, without
 * `.git`, pinned by the NAR hash of the working tree: the hash nixpkgs'
 * `fetchgit` gives for the same revision. As in nixpkgs, submodules are
 * fetched by default and the name is derived from the URL and revision
 * (`repo-abcdef1`).
 */
import type { Derivation } from "../derivation/derivation.js";
import { storePathNameProblem } from "../store/store-path.js";
import { FetcherArgumentError } from "./fetch-errors.js";
import { baseNameOf, fetchDerivation } from "./fetch-derivation.js";
import type { FetcherHashArgs } from "./fetcher-hash.js";

/** Arguments of {@link fetchgit}. */
export type FetchgitArgs = FetcherHashArgs & {
  /** Anything `git fetch` accepts: https, ssh, a file path. */
  readonly url: string;
  /** A commit hash, or a branch or `refs/…` name; give `rev` or `tag`. */
  readonly rev?: string;
  /** A tag (fetched as `refs/tags/<tag>`). */
  readonly tag?: string;
  /** Defaults to the repository's name, plus `-<7 chars of rev>` when `rev` is a commit hash. */
  readonly name?: string;
  /** Check out submodules too (default `true`, as nixpkgs). */
  readonly fetchSubmodules?: boolean;
  /** Keep a (cleaned) `.git`; git versions may differ in what it holds, so hashes may not be stable. */
  readonly leaveDotGit?: boolean;
  /** Fetch the whole history rather than the one commit. */
  readonly deepClone?: boolean;
};

/** nixpkgs' default name for a git checkout: the URL's base name without `.git`, and a short revision. */
export function gitCheckoutName(url: string, rev: string): string {
  const base = baseNameOf(url).split(":").at(-1) ?? "";
  const repository = base.endsWith(".git") ? base.slice(0, -4) : base;
  const shortRevision = /^[a-f0-9]*$/.test(rev) ? `-${rev.slice(0, 7)}` : "";
  return `${repository}${shortRevision}`;
}

/**
 * A git checkout pinned by hash.
 *
 * @example
 * const src = fetchgit({ url: "https://git.savannah.gnu.org/git/hello.git", rev: "3c0f0a5…", hash: "sha256-…" });
 */
export function fetchgit(args: FetchgitArgs): Derivation<"out"> {
  if (typeof args.url !== "string" || args.url === "") throw new FetcherArgumentError("fetchgit: 'url' is required");
  if (args.rev !== undefined && args.tag !== undefined) throw new FetcherArgumentError("fetchgit: give 'rev' or 'tag', not both");
  const rev = args.tag !== undefined ? `refs/tags/${args.tag}` : (args.rev ?? "HEAD");
  const name = args.name ?? gitCheckoutName(args.url, rev);
  const problem = storePathNameProblem(name);
  if (problem !== undefined) throw new FetcherArgumentError(`fetchgit: cannot name the store path '${name}' (${problem}); give 'name'`);
  return fetchDerivation({
    fetcher: "fetchgit",
    builder: "builtin:kiln-fetchgit",
    name,
    mode: "recursive",
    hashArgs: args,
    source: `'${args.url}' at ${rev}`,
    attrs: {
      url: args.url,
      rev,
      fetchSubmodules: args.fetchSubmodules ?? true,
      leaveDotGit: args.leaveDotGit ?? false,
      deepClone: args.deepClone ?? false,
    },
  });
}
