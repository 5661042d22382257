/**
 * fetchzip and fetchFromGitHub through the local realiser, from a loopback
 * server: the unpacked tree's NAR hash is the one `nix-prefetch-url --unpack`
 * computes, GitHub URLs are nixpkgs', and hostile archives leave nothing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildDerivationGraph, derivation, fetchFromGitHub, fetchFromGitLab, fetchzip, parseHash, setStoreDir, targetsOf } from "@kiln/formats";
import { fetchSettingsFromEnvironment, NixRealiser } from "../../src/index.js";
import { temporaryStore, type TemporaryStore } from "../realise/temporary-store.js";
import { serve, startLoopbackServer, TEST_CERTIFICATE, type LoopbackServer } from "./loopback-server.js";

const hasNix = spawnSync("nix-prefetch-url", ["--version"]).status === 0;
const settings = fetchSettingsFromEnvironment({ SSL_CERT_FILE: TEST_CERTIFICATE }, { attempts: 1 });

/** Writes an archive with Python's tarfile/zipfile: `entries` are [name, contents or {link}, mode]. */
function makeArchive(path: string, format: "w:gz" | "w:xz" | "w:bz2" | "zip", entries: [string, string | { symlink: string }, number][]): Buffer {
  const script = `
import io, sys, json, tarfile, zipfile
path, fmt, entries = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if fmt == "zip":
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            info.external_attr = (mode | (0o120000 if isinstance(data, dict) else 0o100000)) << 16
            archive.writestr(info, data["symlink"] if isinstance(data, dict) else data)
else:
    with tarfile.open(path, fmt) as archive:
        for name, data, mode in entries:
            info = tarfile.TarInfo(name)
            info.mode = mode
            if isinstance(data, dict):
                info.type = tarfile.SYMTYPE
                info.linkname = data["symlink"]
                archive.addfile(info)
            else:
                info.size = len(data.encode())
                archive.addfile(info, io.BytesIO(data.encode()))
`;
  const result = spawnSync("python3", ["-c", script, path, format, JSON.stringify(entries)], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return readFileSync(path);
}

const TREE: [string, string | { symlink: string }, number][] = [
  ["project-1.0/README", "hello\n", 0o644],
  ["project-1.0/bin/tool", "#!/bin/sh\necho tool\n", 0o755],
  ["project-1.0/tool-link", { symlink: "bin/tool" }, 0o777],
];

let server: LoopbackServer;
let secure: LoopbackServer;
let scratch: string;
let store: TemporaryStore;
const archives = new Map<string, Buffer>();
beforeAll(async () => {
  server = await startLoopbackServer();
  secure = await startLoopbackServer({ https: true });
  scratch = mkdtempSync(join(tmpdir(), "kiln-archives-"));
  for (const [name, format] of [["project.tar.gz", "w:gz"], ["project.tar.xz", "w:xz"], ["project.tar.bz2", "w:bz2"], ["project.zip", "zip"]] as const) {
    const bytes = makeArchive(join(scratch, name), format, TREE);
    archives.set(name, bytes);
    server.route(`/${name}`, serve(bytes));
  }
  // A GitHub archive for `rev` is served where nixpkgs' fetchFromGitHub looks for it.
  secure.route("/owner/project/archive/0123456789abcdef0123456789abcdef01234567.tar.gz", serve(archives.get("project.tar.gz") as Buffer));
  secure.route("/api/v4/projects/group%2Fproject%2Fna%2Eme/repository/archive.tar.gz?sha=v1.0", serve(archives.get("project.tar.gz") as Buffer));
  const hostile: [string, [string, string | { symlink: string }, number][]][] = [
    ["dotdot.tar.gz", [["project/ok", "ok\n", 0o644], ["project/../../escaped", "bad\n", 0o644]]],
    ["absolute.tar.gz", [["/tmp/kiln-absolute-escape", "bad\n", 0o644]]],
    ["link-out.tar.gz", [["project/link", { symlink: "/etc" }, 0o777], ["project/link/passwd-copy", "bad\n", 0o644]]],
  ];
  for (const [name, entries] of hostile) server.route(`/${name}`, serve(makeArchive(join(scratch, name), "w:gz", entries)));
});
afterAll(async () => {
  await server.close();
  await secure.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  store = temporaryStore();
});
afterEach(() => store.dispose());

/** The NAR hash Nix gives the unpacked archive (`nix-prefetch-url --unpack`), in Nix base32. */
function nixUnpackedHash(archive: string): string {
  const nixStore = mkdtempSync(join(tmpdir(), "kiln-nix-unpack-"));
  try {
    const result = spawnSync("nix-prefetch-url", ["--unpack", "--type", "sha256", `file://${archive}`, "--store", nixStore, "--option", "substituters", ""], { encoding: "utf8", env: { ...process.env, NIX_REMOTE: "" } });
    if (result.status !== 0) throw new Error(result.stderr);
    return result.stdout.trim();
  } finally {
    rmSync(nixStore, { recursive: true, force: true });
  }
}

/** Realises `hash: ""` to learn the hash, then realises with it. */
async function fetchTwice(make: (hash: string) => ReturnType<typeof fetchzip>): Promise<{ path: string; hash: string }> {
  const probe = await store.realise([make("")], { fetchSettings: settings });
  const hash = probe.failed[0]?.hashMismatch?.got;
  expect(hash, probe.failed[0]?.message).toMatch(/^sha256-/);
  const fetched = make(hash as string);
  const result = await store.realise([fetched], { fetchSettings: settings });
  expect(result.failed).toEqual([]);
  return { path: fetched.outputs.out.path, hash: hash as string };
}

describe("fetchzip", () => {
  for (const name of ["project.tar.gz", "project.tar.xz", "project.tar.bz2", "project.zip"]) {
    it(`unpacks ${name} with its root stripped${hasNix ? ", hashed as nix-prefetch-url --unpack hashes it" : ""}`, async () => {
      const { path, hash } = await fetchTwice((hash) => fetchzip({ url: `${server.url}/${name}`, hash }));
      expect(path.endsWith("-source")).toBe(true);
      expect(readFileSync(join(path, "README"), "utf8")).toBe("hello\n");
      expect(spawnSync(join(path, "tool-link"), { encoding: "utf8" }).stdout).toBe("tool\n");
      if (hasNix) expect(parseHash(hash).toNixBase32()).toBe(nixUnpackedHash(join(scratch, name)));
    });
  }

  it("keeps the root with stripRoot: false", async () => {
    const { path } = await fetchTwice((hash) => fetchzip({ url: `${server.url}/project.zip`, hash, stripRoot: false, name: "unstripped" }));
    expect(readdirSync(path)).toEqual(["project-1.0"]);
  });

  for (const name of ["dotdot.tar.gz", "absolute.tar.gz", "link-out.tar.gz"]) {
    it(`refuses the hostile ${name}, writing nothing outside and keeping nothing`, async () => {
      const before = readdirSync(tmpdir()).sort();
      const fetched = fetchzip({ url: `${server.url}/${name}`, hash: "" });
      const result = await store.realise([fetched], { fetchSettings: settings });
      expect(result.failed).toHaveLength(1);
      expect(result.failed[0]?.hashMismatch).toBeUndefined();
      expect(result.failed[0]?.message).toMatch(/\.\.|absolute|outside/);
      expect(existsSync(fetched.outputs.out.path)).toBe(false);
      expect(existsSync("/tmp/kiln-absolute-escape")).toBe(false);
      expect(readdirSync(tmpdir()).sort().filter((entry) => entry.startsWith("escaped"))).toEqual(before.filter((entry) => entry.startsWith("escaped")));
      expect(readdirSync(store.root).filter((entry) => entry.startsWith("escaped"))).toEqual([]);
    });
  }
});

describe("fetchFromGitHub and fetchFromGitLab", () => {
  it("fetch nixpkgs' archive URLs over https and name the result source", async () => {
    const rev = "0123456789abcdef0123456789abcdef01234567";
    const fromGitHub = await fetchTwice((hash) => fetchFromGitHub({ owner: "owner", repo: "project", rev, hash, githubBase: secure.host }));
    expect(fromGitHub.path.endsWith("-source")).toBe(true);
    expect(readFileSync(join(fromGitHub.path, "README"), "utf8")).toBe("hello\n");
    const fromGitLab = await fetchTwice((hash) => fetchFromGitLab({ group: "group", owner: "project", repo: "na.me", rev: "v1.0", hash, domain: secure.host }));
    // The same tree, the same name: the same store path, as in Nix.
    expect(fromGitLab.path).toBe(fromGitHub.path);
  });

  it("gives the output path Nix gives a source of that hash", () => {
    setStoreDir("/nix/store");
    const hash = "sha256-Ng3b/2HNk6y0/O8NMnRPgNw9B3pA3X39U8d8v7aB5i8=";
    const fromGitHub = fetchFromGitHub({ owner: "NixOS", repo: "patchelf", rev: "0.18.0", hash });
    const plain = derivation({ name: "source", system: "builtin", builder: "x", outputHashMode: "recursive", outputHash: hash });
    expect(fromGitHub.outputs.out.path).toBe(plain.outputs.out.path);
    expect(fromGitHub.drv.env.get("url")).toBe("https://github.com/NixOS/patchelf/archive/0.18.0.tar.gz");
    expect(fetchFromGitHub({ owner: "o", repo: "r", tag: "v1", hash }).drv.env.get("url")).toBe("https://github.com/o/r/archive/refs/tags/v1.tar.gz");
    expect(fetchFromGitLab({ owner: "o", repo: "r.js", rev: "a/b", hash }).drv.env.get("url")).toBe("https://gitlab.com/api/v4/projects/o%2Fr%2Ejs/repository/archive.tar.gz?sha=a%2Fb");
    expect(fetchFromGitHub({ owner: "o", repo: "r", rev: "x", hash, fetchSubmodules: true }).drv.builder).toBe("builtin:kiln-fetchgit");
    expect(() => fetchFromGitHub({ owner: "o", repo: "r", hash })).toThrow(/'rev' or 'tag' is required/);
  });

  it.skipIf(!hasNix)("lands where nix-instantiate puts a recursive source of the same hash", () => {
    setStoreDir("/nix/store");
    const hash = "sha256-Ng3b/2HNk6y0/O8NMnRPgNw9B3pA3X39U8d8v7aB5i8=";
    const nixStore = mkdtempSync(join(tmpdir(), "kiln-nix-src-"));
    try {
      const expression = `(derivation { name = "source"; system = "x"; builder = "x"; outputHashMode = "recursive"; outputHash = "${hash}"; }).outPath`;
      const result = spawnSync("nix-instantiate", ["--eval", "--store", nixStore, "-E", expression], { encoding: "utf8", env: { ...process.env, NIX_REMOTE: "" } });
      expect(result.status, result.stderr).toBe(0);
      expect(fetchFromGitHub({ owner: "NixOS", repo: "patchelf", rev: "0.18.0", hash }).outputs.out.path).toBe(JSON.parse(result.stdout.trim()));
    } finally {
      rmSync(nixStore, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasNix)("fetchzip under the nix realiser", () => {
  it("is unpacked by Kiln and added to Nix's store (--add-fixed --recursive) at the predicted path", async () => {
    setStoreDir("/nix/store");
    const name = `kiln-nix-zip-${process.pid}-${Date.now()}`;
    const realiser = new NixRealiser({ env: { ...process.env, NIX_REMOTE: "" }, extraArgs: ["--option", "substituters", ""], fetchSettings: settings });
    const probe = fetchzip({ url: `${server.url}/project.tar.xz`, hash: "", name });
    const mismatch = await realiser.realise(buildDerivationGraph([probe]), targetsOf([probe]));
    const hash = mismatch.failed[0]?.hashMismatch?.got as string;
    expect(mismatch.failed[0]?.message).toContain(`hash mismatch in fixed-output derivation '${probe.drvPath}'`);
    expect(parseHash(hash).toNixBase32()).toBe(nixUnpackedHash(join(scratch, "project.tar.xz")));
    const fetched = fetchzip({ url: `${server.url}/project.tar.xz`, hash, name });
    const result = await realiser.realise(buildDerivationGraph([fetched]), targetsOf([fetched]));
    expect(result.failed).toEqual([]);
    expect(readFileSync(join(fetched.outputs.out.path, "README"), "utf8")).toBe("hello\n");
  });
});
