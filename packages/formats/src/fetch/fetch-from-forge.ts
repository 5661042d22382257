/**
 * `fetchFromGitHub` and `fetchFromGitLab`: a revision of a repository as the
 * forge's archive, unpacked with its root directory stripped and named
 * `source`, exactly as nixpkgs' functions of the same names, so that a hash
 * copied from nixpkgs gives the same store path. With `fetchSubmodules` (or
 * `leaveDotGit`) the archive cannot carry what is asked, so the repository is
 * cloned with `fetchgit` instead, as nixpkgs does.
 */
import type { Derivation } from "../derivation/derivation.js";
import { FetcherArgumentError } from "./fetch-errors.js";
import { pickHashArgs, type FetcherHashArgs } from "./fetcher-hash.js";
import { fetchgit } from "./fetchgit.js";
import { unpackedFetch } from "./fetchzip.js";

/** Arguments of {@link fetchFromGitHub}. */
export type FetchFromGitHubArgs = FetcherHashArgs & {
  readonly owner: string;
  readonly repo: string;
  /** A commit hash or a branch; give `rev` or `tag`. */
  readonly rev?: string;
  /** A tag name (fetched as `refs/tags/<tag>`). */
  readonly tag?: string;
  /** Defaults to `source`. */
  readonly name?: string;
  /** Include git submodules (cloned with git rather than downloaded as an archive). */
  readonly fetchSubmodules?: boolean;
  /** Keep `.git` (cloned with git); its contents are not reproducible across git versions. */
  readonly leaveDotGit?: boolean;
  /** The host, for GitHub Enterprise; defaults to `github.com`. */
  readonly githubBase?: string;
};

/** `rev` or `tag` (exactly one) as the forge's reference. */
function revisionOf(fetcher: string, args: { readonly rev?: string; readonly tag?: string }): string {
  if (args.rev !== undefined && args.tag !== undefined) throw new FetcherArgumentError(`${fetcher}: give 'rev' or 'tag', not both`);
  if (args.tag !== undefined) return `refs/tags/${args.tag}`;
  if (args.rev === undefined || args.rev === "") throw new FetcherArgumentError(`${fetcher}: 'rev' or 'tag' is required`);
  return args.rev;
}

function required(fetcher: string, value: unknown, key: string): string {
  if (typeof value !== "string" || value === "") throw new FetcherArgumentError(`${fetcher}: '${key}' is required`);
  return value;
}

/**
 * A GitHub repository at a revision.
 *
 * @example
 * const src = fetchFromGitHub({ owner: "NixOS", repo: "patchelf", rev: "0.18.0", hash: "sha256-…" });
 */
export function fetchFromGitHub(args: FetchFromGitHubArgs): Derivation<"out"> {
  const owner = required("fetchFromGitHub", args.owner, "owner");
  const repo = required("fetchFromGitHub", args.repo, "repo");
  const revision = revisionOf("fetchFromGitHub", args);
  const base = args.githubBase ?? "github.com";
  const hashArgs = pickHashArgs(args);
  if (args.fetchSubmodules === true || args.leaveDotGit === true) {
    return fetchgit({
      ...hashArgs,
      url: `https://${base}/${owner}/${repo}.git`,
      rev: revision,
      name: args.name ?? "source",
      fetchSubmodules: args.fetchSubmodules ?? false,
      leaveDotGit: args.leaveDotGit ?? false,
    });
  }
  return unpackedFetch(
    "fetchFromGitHub",
    { ...hashArgs, url: `https://${base}/${owner}/${repo}/archive/${revision}.tar.gz`, name: args.name ?? "source" },
    `github:${owner}/${repo}/${revision}`,
  );
}

/** Arguments of {@link fetchFromGitLab}. */
export type FetchFromGitLabArgs = FetcherHashArgs & {
  readonly owner: string;
  readonly repo: string;
  /** A subgroup between owner and repository. */
  readonly group?: string;
  readonly rev?: string;
  readonly tag?: string;
  readonly name?: string;
  /** Defaults to `gitlab.com`. */
  readonly domain?: string;
  /** Defaults to `https`. */
  readonly protocol?: string;
  readonly fetchSubmodules?: boolean;
  readonly leaveDotGit?: boolean;
};

/**
 * A GitLab repository at a revision, through GitLab's archive API.
 *
 * @example
 * const src = fetchFromGitLab({ owner: "inkscape", repo: "inkscape", rev: "INKSCAPE_1_3", hash: "sha256-…" });
 */
export function fetchFromGitLab(args: FetchFromGitLabArgs): Derivation<"out"> {
  const owner = required("fetchFromGitLab", args.owner, "owner");
  const repo = required("fetchFromGitLab", args.repo, "repo");
  const revision = revisionOf("fetchFromGitLab", args);
  const domain = args.domain ?? "gitlab.com";
  const protocol = args.protocol ?? "https";
  const slug = [args.group, owner, repo].filter((part): part is string => part !== undefined && part !== "").join("/");
  const hashArgs = pickHashArgs(args);
  if (args.fetchSubmodules === true || args.leaveDotGit === true) {
    return fetchgit({
      ...hashArgs,
      url: `${protocol}://${domain}/${slug}.git`,
      rev: revision,
      name: args.name ?? "source",
      fetchSubmodules: args.fetchSubmodules ?? false,
      leaveDotGit: args.leaveDotGit ?? false,
    });
  }
  // GitLab's API wants the project path and the revision URL-escaped, '.' included, as nixpkgs escapes them.
  const escapedSlug = slug.replaceAll(".", "%2E").replaceAll("/", "%2F");
  const escapedRevision = revision.replaceAll("%", "%25").replaceAll("+", "%2B").replaceAll("/", "%2F");
  return unpackedFetch(
    "fetchFromGitLab",
    { ...hashArgs, url: `${protocol}://${domain}/api/v4/projects/${escapedSlug}/repository/archive.tar.gz?sha=${escapedRevision}`, name: args.name ?? "source" },
    `gitlab:${slug}/${revision}`,
  );
}
