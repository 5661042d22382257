/**
 * fetchgit against real git repositories made by the test: the checkout's
 * NAR hash is the one Nix's own `builtins.fetchGit` computes, `.git` is gone,
 * submodules come along, and names follow nixpkgs.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchgit, gitCheckoutName, setStoreDir } from "@kiln/formats";
import { fetchSettingsFromEnvironment } from "../../src/index.js";
import { temporaryStore, type TemporaryStore } from "../realise/temporary-store.js";
import { redirect, serve, startLoopbackServer, TEST_CERTIFICATE, type LoopbackServer } from "./loopback-server.js";

const hasGit = spawnSync("git", ["--version"]).status === 0;
const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync("git", ["-c", "user.name=Kiln Test", "-c", "user.email=test@example.org", "-c", "protocol.file.allow=always", ...args], { cwd, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: cwd } });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.trim();
}

/** A repository with a file, an executable, a symlink and a directory, in two commits. */
function makeRepository(directory: string): { first: string; second: string } {
  mkdirSync(directory, { recursive: true });
  git(directory, "init", "--quiet", "--initial-branch=main");
  writeFileSync(join(directory, "README"), "first\n");
  git(directory, "add", ".");
  git(directory, "commit", "--quiet", "-m", "first");
  const first = git(directory, "rev-parse", "HEAD");
  mkdirSync(join(directory, "bin"));
  writeFileSync(join(directory, "bin", "run"), "#!/bin/sh\necho run\n");
  chmodSync(join(directory, "bin", "run"), 0o755);
  symlinkSync("bin/run", join(directory, "run-link"));
  writeFileSync(join(directory, "README"), "second\n");
  git(directory, "add", ".");
  git(directory, "commit", "--quiet", "-m", "second");
  git(directory, "tag", "v2");
  return { first, second: git(directory, "rev-parse", "HEAD") };
}

/** Routes every file under `directory` at `prefix` + its relative path, and `info/refs` also as git asks for it. */
function serveDirectory(server: LoopbackServer, directory: string, prefix: string): void {
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    server.route(`${prefix}/${relative(directory, path)}`, serve(readFileSync(path)));
  }
  server.route(`${prefix}/info/refs?service=git-upload-pack`, serve(readFileSync(join(directory, "info", "refs"))));
}

describe("gitCheckoutName", () => {
  it("names a checkout as nixpkgs' fetchgit does", () => {
    expect(gitCheckoutName("https://github.com/owner/hello.git", "0123456789abcdef0123456789abcdef01234567")).toBe("hello-0123456");
    expect(gitCheckoutName("https://example.org/repos/tool/", "refs/tags/v1.0")).toBe("tool");
    expect(gitCheckoutName("git@example.org:group/thing.git", "main")).toBe("thing");
  });
});

describe.skipIf(!hasGit)("fetchgit", () => {
  let root: string;
  let store: TemporaryStore;
  beforeEach(() => {
    store = temporaryStore();
    root = mkdtempSync(join(tmpdir(), "kiln-git-"));
  });
  afterEach(() => {
    store.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  /** Realises with an empty hash to learn it, then with that hash; returns the output path and hash. */
  async function fetchTwice(args: Omit<Parameters<typeof fetchgit>[0], "hash">): Promise<{ path: string; hash: string }> {
    const probe = await store.realise([fetchgit({ ...args, hash: "" })]);
    const hash = probe.failed[0]?.hashMismatch?.got;
    expect(hash, probe.failed[0]?.message).toMatch(/^sha256-/);
    const fetched = fetchgit({ ...args, hash: hash as string });
    const result = await store.realise([fetched]);
    expect(result.failed).toEqual([]);
    return { path: fetched.outputs.out.path, hash: hash as string };
  }

  it("checks out a commit without .git, keeping modes and symlinks", async () => {
    const repository = join(root, "repo");
    const { first, second } = makeRepository(repository);
    const { path } = await fetchTwice({ url: `file://${repository}`, rev: second });
    expect(path.endsWith(`-repo-${second.slice(0, 7)}`)).toBe(true);
    expect(existsSync(join(path, ".git"))).toBe(false);
    expect(readFileSync(join(path, "README"), "utf8")).toBe("second\n");
    expect(spawnSync(join(path, "run-link"), { encoding: "utf8" }).stdout).toBe("run\n");
    const older = await fetchTwice({ url: `file://${repository}`, rev: first });
    expect(readFileSync(join(older.path, "README"), "utf8")).toBe("first\n");
    const tagged = await fetchTwice({ url: `file://${repository}`, tag: "v2", name: "tagged" });
    expect(readFileSync(join(tagged.path, "README"), "utf8")).toBe("second\n");
  });

  it.skipIf(!hasNix)("gives the NAR hash Nix's builtins.fetchGit gives", async () => {
    const repository = join(root, "repo");
    const { second } = makeRepository(repository);
    const { hash } = await fetchTwice({ url: `file://${repository}`, rev: second, fetchSubmodules: false });
    const nixStore = join(root, "nix-store");
    const result = spawnSync(
      "nix-instantiate",
      ["--store", nixStore, "--option", "substituters", "", "--eval", "--read-write-mode", "-E", `(builtins.fetchGit { url = "file://${repository}"; rev = "${second}"; }).narHash`],
      { encoding: "utf8", env: { ...process.env, NIX_REMOTE: "", HOME: root } },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toBe(hash);
  });

  it("fetches submodules by default, as nixpkgs does", async () => {
    const library = join(root, "library");
    makeRepository(library);
    const app = join(root, "app");
    mkdirSync(app);
    git(app, "init", "--quiet", "--initial-branch=main");
    writeFileSync(join(app, "main.txt"), "app\n");
    git(app, "submodule", "--quiet", "add", `file://${library}`, "vendor/library");
    git(app, "add", ".");
    git(app, "commit", "--quiet", "-m", "with a submodule");
    const rev = git(app, "rev-parse", "HEAD");
    const withModules = await fetchTwice({ url: `file://${app}`, rev });
    expect(readFileSync(join(withModules.path, "vendor", "library", "README"), "utf8")).toBe("second\n");
    expect(existsSync(join(withModules.path, "vendor", "library", ".git"))).toBe(false);
    const without = await fetchTwice({ url: `file://${app}`, rev, fetchSubmodules: false, name: "no-modules" });
    expect(existsSync(join(without.path, "vendor", "library", "README"))).toBe(false);
    expect(without.hash).not.toBe(withModules.hash);
  });

  it("fetches over https with the configured CAs, but refuses a redirect from https down to http", async () => {
    const repository = join(root, "repo");
    const { second } = makeRepository(repository);
    const bare = join(root, "served.git");
    git(root, "clone", "--quiet", "--bare", repository, bare);
    git(bare, "update-server-info");
    const secure = await startLoopbackServer({ https: true });
    const plain = await startLoopbackServer();
    try {
      // A static ("dumb") git server: every file of the bare repository, at its path.
      for (const server of [secure, plain]) serveDirectory(server, bare, "/repo.git");
      secure.route("/moved.git/info/refs?service=git-upload-pack", redirect(`${plain.url}/repo.git/info/refs?service=git-upload-pack`));
      const fetchSettings = fetchSettingsFromEnvironment({ NIX_SSL_CERT_FILE: TEST_CERTIFICATE }, { attempts: 1 });

      const probe = await store.realise([fetchgit({ url: `${secure.url}/repo.git`, rev: second, hash: "" })], { fetchSettings });
      expect(probe.failed[0]?.hashMismatch, probe.failed[0]?.message).toBeDefined();

      const moved = await store.realise([fetchgit({ url: `${secure.url}/moved.git`, rev: second, hash: "", name: "moved" })], { fetchSettings });
      expect(moved.failed[0]?.hashMismatch).toBeUndefined();
      expect(moved.failed[0]?.message).toMatch(/git .*fetch.* failed/);
      expect(plain.requests).toEqual([]);
    } finally {
      await secure.close();
      await plain.close();
    }
  });

  it("reports a revision that does not exist, keeping nothing", async () => {
    const repository = join(root, "repo");
    makeRepository(repository);
    setStoreDir(store.store.storeDir);
    const missing = fetchgit({ url: `file://${repository}`, rev: "0000000000000000000000000000000000000001", hash: "" });
    const result = await store.realise([missing]);
    expect(result.failed[0]?.message).toMatch(/git .*fetch.* failed/);
    expect(existsSync(missing.outputs.out.path)).toBe(false);
  });
});
