/**
 * Checking out one git revision with the host's `git`, as nixpkgs'
 * `nix-prefetch-git` does: a fresh repository, a shallow fetch of the
 * revision (the whole history when the server refuses that), a checkout,
 * submodules if asked, then `.git` removed so that only the tree is hashed.
 */
import { spawn } from "node:child_process";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FetchError } from "@kiln/formats";

/** Options of {@link gitCheckout}. */
export interface GitCheckoutOptions {
  readonly url: string;
  /** A commit hash, `HEAD`, a branch, or a `refs/…` name. */
  readonly rev: string;
  readonly fetchSubmodules: boolean;
  readonly leaveDotGit: boolean;
  readonly deepClone: boolean;
  /** A scratch directory for git's home and config. */
  readonly scratch: string;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Certificate authorities git trusts for https (PEM), as for every other download; `undefined` for git's own. */
  readonly certificateAuthorities?: readonly string[] | undefined;
}

/** The options git itself runs with: where the CA bundle was written, if there is one. */
type GitRun = GitCheckoutOptions & { readonly caFile?: string };

function isCommitHash(rev: string): boolean {
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(rev);
}

/** Runs git in `cwd`; rejects with its stderr when it fails. */
function git(args: readonly string[], cwd: string, options: GitRun): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        HOME: options.scratch,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_TERMINAL_PROMPT: "0",
        ...(options.caFile !== undefined ? { GIT_SSL_CAINFO: options.caFile } : {}),
        // Users' proxy settings apply, as for every fetch.
        ...Object.fromEntries(["http_proxy", "https_proxy", "all_proxy", "no_proxy", "GIT_SSH_COMMAND", "SSH_AUTH_SOCK"].flatMap((name) => (process.env[name] !== undefined ? [[name, process.env[name] as string]] : []))),
      },
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const line of chunk.toString().split("\n")) if (line.trim() !== "") options.log(line.trimEnd());
    });
    child.on("error", (error) => reject(new FetchError(`cannot run git (${error.message}); fetchgit needs git installed`, options.url)));
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new FetchError(`git ${args.join(" ")} failed (exit code ${code}): ${stderr.trim()}`, options.url));
    });
  });
}

/** Removes every `.git` (directories, and the files submodules have) under `directory`. */
function removeDotGit(directory: string): void {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.name === ".git") rmSync(path, { recursive: true, force: true });
    else if (entry.isDirectory()) removeDotGit(path);
  }
}

/**
 * Leaves a `.git` that depends as little as possible on when and how it was
 * fetched, as nix-prefetch-git does: no logs, hooks, index, remotes or
 * packed history beyond the commit.
 */
async function makeDeterministicRepository(directory: string, options: GitRun): Promise<void> {
  for (const name of ["logs", "hooks", "index", "FETCH_HEAD", "ORIG_HEAD", "refs/remotes/origin/HEAD", "config"]) {
    rmSync(join(directory, ".git", name), { recursive: true, force: true });
  }
  await git(["init", "--quiet"], directory, options);
  await git(["gc", "--quiet", "--prune=all"], directory, options);
}

/** Checks out `options.rev` of `options.url` into `destination`, which must not exist. */
export async function gitCheckout(destination: string, checkout: GitCheckoutOptions): Promise<void> {
  const { scratch } = checkout;
  let options: GitRun = checkout;
  if (checkout.certificateAuthorities !== undefined) {
    // git reads one bundle, which replaces its own: it gets Node's CAs and the extra ones, as downloads do.
    const caFile = join(scratch, "ca-bundle.pem");
    writeFileSync(caFile, `${checkout.certificateAuthorities.join("\n")}\n`);
    options = { ...checkout, caFile };
  }
  await git(["init", "--quiet", "--initial-branch=fetchgit", destination], scratch, options);
  await git(["config", "advice.detachedHead", "false"], destination, options);
  await git(["remote", "add", "origin", options.url], destination, options);
  const depth = options.deepClone ? [] : ["--depth", "1"];
  // git (through curl) follows redirects only to http(s), never to a local file; from an https remote,
  // plain http is refused altogether, so that a redirect cannot strip TLS (as for every other download).
  const file = ["-c", "protocol.file.allow=always", ...(/^https:/i.test(options.url) ? ["-c", "protocol.http.allow=never"] : [])];
  try {
    await git([...file, "fetch", "--quiet", ...depth, "--no-tags", "origin", options.rev], destination, options);
  } catch (error) {
    // Some servers refuse to send a commit by hash; fetch everything and find it.
    if (!isCommitHash(options.rev)) throw error;
    options.log("fetching the commit directly failed; fetching all branches and tags");
    await git([...file, "fetch", "--quiet", "--tags", "origin", "+refs/heads/*:refs/remotes/origin/*"], destination, options);
  }
  const target = isCommitHash(options.rev) ? options.rev : "FETCH_HEAD";
  await git(["checkout", "--quiet", "-B", "fetchgit", target], destination, options);
  const head = (await git(["rev-parse", "HEAD"], destination, options)).trim();
  if (isCommitHash(options.rev) && head !== options.rev) {
    throw new FetchError(`fetchgit: '${options.url}' checked out ${head}, not the requested ${options.rev}`, options.url);
  }
  options.log(`checked out ${head}`);
  if (options.fetchSubmodules) {
    await git([...file, "submodule", "update", "--init", "--recursive", "--quiet", ...(options.deepClone ? [] : ["--depth", "1"])], destination, options);
  }
  if (options.leaveDotGit) await makeDeterministicRepository(destination, options);
  else removeDotGit(destination);
}
