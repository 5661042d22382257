/**
 * fetchurl: the derivation Nix's `<nix/fetchurl.nix>` makes, the store path
 * nixpkgs gives, and real downloads from a loopback server through the
 * local realiser (redirects, retries, timeouts, hashed mirrors, wrong and
 * empty hashes).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FetcherArgumentError, fetchurl, hashString, buildDerivationGraph, setStoreDir, targetsOf } from "@kiln/formats";
import { fetchSettingsFromEnvironment, NixRealiser, type FetchSettings, type RealiseEvent } from "../../src/index.js";
import { temporaryStore, type TemporaryStore } from "../realise/temporary-store.js";
import { failing, redirect, serve, stalling, startLoopbackServer, type LoopbackServer } from "./loopback-server.js";

const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;
const CONTENT = "the contents of a source tarball\n";
const SRI = hashString("sha256", CONTENT).toSri();

/** Fast settings for tests: short timeouts and pauses, no mirrors from the environment. */
function testSettings(overrides: Partial<FetchSettings> = {}): FetchSettings {
  return fetchSettingsFromEnvironment({}, { stallTimeoutMs: 1000, connectTimeoutMs: 2000, retryDelayMs: 10, attempts: 3, ...overrides });
}

describe("fetchurl's derivation", () => {
  beforeEach(() => setStoreDir("/nix/store"));

  it("gives nixpkgs' store path for GNU hello 2.12.1 (hash taken from nixpkgs' hello)", () => {
    // nixpkgs: src = fetchurl { url = "mirror://gnu/hello/hello-2.12.1.tar.gz"; hash = "sha256-jZkUKv2SV28wsM18tCqNxoCZmLxdYH2Idh9RLibH2yA="; };
    // and `nix-prefetch-url https://ftp.gnu.org/gnu/hello/hello-2.12.1.tar.gz` prints this path.
    const src = fetchurl({ url: "mirror://gnu/hello/hello-2.12.1.tar.gz", hash: "sha256-jZkUKv2SV28wsM18tCqNxoCZmLxdYH2Idh9RLibH2yA=" });
    expect(src.outputs.out.path).toBe("/nix/store/pa10z4ngm0g83kx9mssrqzz30s84vq7k-hello-2.12.1.tar.gz");
    const legacy = fetchurl({ url: "https://ftp.gnu.org/gnu/hello/hello-2.12.1.tar.gz", sha256: "086vqwk2wl8zfs47sq2xpjc9k066ilmb8z6dn0q6ymwjzlm196cd" });
    // A different derivation with the same output path: a fixed-output "twin".
    expect(legacy.drvPath).not.toBe(src.drvPath);
    expect(legacy.outputs.out.path).toBe(src.outputs.out.path);
  });

  it.skipIf(!hasNix)("is byte for byte the derivation of Nix's import <nix/fetchurl.nix>", () => {
    const store = mkdtempSync(join(tmpdir(), "kiln-nix-fetchurl-"));
    try {
      const cases: { nix: string; kiln: Parameters<typeof fetchurl>[0] }[] = [
        { nix: `{ url = "https://example.org/a/hello-2.12.1.tar.gz"; hash = "${SRI}"; }`, kiln: { url: "https://example.org/a/hello-2.12.1.tar.gz", hash: SRI } },
        { nix: `{ url = "https://example.org/x.bin"; sha256 = "086vqwk2wl8zfs47sq2xpjc9k066ilmb8z6dn0q6ymwjzlm196cd"; name = "renamed"; }`, kiln: { url: "https://example.org/x.bin", sha256: "086vqwk2wl8zfs47sq2xpjc9k066ilmb8z6dn0q6ymwjzlm196cd", name: "renamed" } },
        { nix: `{ url = "https://example.org/tool"; sha512 = "${hashString("sha512", "x").toBase16()}"; executable = true; }`, kiln: { url: "https://example.org/tool", sha512: hashString("sha512", "x").toBase16(), executable: true } },
        { nix: `{ url = "https://example.org/empty.txt"; hash = ""; }`, kiln: { url: "https://example.org/empty.txt", hash: "" } },
      ];
      for (const { nix, kiln } of cases) {
        const result = spawnSync("nix-instantiate", ["--store", store, "--read-write-mode", "--option", "substituters", "", "-E", `import <nix/fetchurl.nix> ${nix}`], { encoding: "utf8", env: { ...process.env, NIX_REMOTE: "" } });
        expect(result.status, result.stderr).toBe(0);
        const nixDrvPath = result.stdout.trim();
        const fetched = fetchurl(kiln);
        expect(fetched.drvPath).toBe(nixDrvPath);
        expect(fetched.aterm).toBe(readFileSync(join(store, nixDrvPath), "utf8"));
      }
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });

  it("refuses calls that cannot work, saying why", () => {
    expect(() => fetchurl({ url: "https://example.org/a.tar.gz" })).toThrow(/no hash given for 'https:\/\/example.org\/a.tar.gz'; write hash: ""/);
    expect(() => fetchurl({ url: "https://example.org/a", hash: SRI, sha256: "x" })).toThrow(/give only one of hash, sha256/);
    expect(() => fetchurl({ url: "https://example.org/a", hash: "sha256-tooshort" })).toThrow(FetcherArgumentError);
    expect(() => fetchurl({ url: "https://example.org/download?id=3", hash: SRI })).not.toThrow();
    expect(() => fetchurl({ url: "https://example.org/~user/%20file", hash: SRI })).toThrow(/cannot name the store path after .*give 'name'/);
    expect(() => fetchurl({ hash: SRI })).toThrow(/'url' \(or a non-empty 'urls'\) is required/);
  });
});

describe("fetchurl realised by the local realiser", () => {
  let server: LoopbackServer;
  let store: TemporaryStore;
  beforeAll(async () => {
    server = await startLoopbackServer();
  });
  afterAll(async () => server.close());
  beforeEach(() => {
    store = temporaryStore();
  });
  afterEach(() => store.dispose());

  it("downloads, checks the hash and registers the file, reporting bytes fetched", async () => {
    server.route("/plain/src.tar.gz", serve(CONTENT));
    const src = fetchurl({ url: `${server.url}/plain/src.tar.gz`, hash: SRI });
    const result = await store.realise([src], { fetchSettings: testSettings() });
    expect(result.failed).toEqual([]);
    expect(readFileSync(src.outputs.out.path, "utf8")).toBe(CONTENT);
    expect(store.store.pathInfo(src.outputs.out.path)?.ca).toBe(`fixed:sha256:${hashString("sha256", CONTENT).toNixBase32()}`);
    const bytes = result.events.filter((event): event is Extract<RealiseEvent, { type: "bytes-fetched" }> => event.type === "bytes-fetched");
    expect(bytes.at(-1)).toMatchObject({ drvPath: src.drvPath, bytes: CONTENT.length, total: CONTENT.length });
  });

  it("follows redirects", async () => {
    server.route("/redirected", redirect("/moved/once"));
    server.route("/moved/once", redirect(`${server.url}/final`, 301));
    server.route("/final", serve(CONTENT));
    const src = fetchurl({ url: `${server.url}/redirected`, hash: SRI, name: "redirected" });
    const result = await store.realise([src], { fetchSettings: testSettings() });
    expect(result.failed).toEqual([]);
    expect(readFileSync(src.outputs.out.path, "utf8")).toBe(CONTENT);
  });

  it("retries a 500 and succeeds", async () => {
    server.route("/flaky", failing(2, 500, serve(CONTENT)));
    const src = fetchurl({ url: `${server.url}/flaky`, hash: SRI });
    const result = await store.realise([src], { fetchSettings: testSettings({ attempts: 3 }) });
    expect(result.failed).toEqual([]);
    expect(server.requests.filter((path) => path === "/flaky")).toHaveLength(3);
  });

  it("gives up on a stalled server after the timeout, with a message naming the URL, and keeps nothing", async () => {
    server.route("/stall", stalling());
    const src = fetchurl({ url: `${server.url}/stall`, hash: SRI });
    const started = Date.now();
    const result = await store.realise([src], { fetchSettings: testSettings({ stallTimeoutMs: 300, attempts: 2 }) });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.message).toMatch(new RegExp(`unable to download '${server.url}/stall': received nothing for 0.3 s \\(timeout\\)`));
    expect(existsSync(src.outputs.out.path)).toBe(false);
    expect(store.store.isValid(src.outputs.out.path)).toBe(false);
  });

  it("does not retry a 404, and tries each of `urls` in turn", async () => {
    server.route("/second", serve(CONTENT));
    const src = fetchurl({ urls: [`${server.url}/missing`, `${server.url}/second`], hash: SRI, name: "from-urls" });
    const result = await store.realise([src], { fetchSettings: testSettings() });
    expect(result.failed).toEqual([]);
    expect(server.requests.filter((path) => path === "/missing")).toHaveLength(1);
  });

  it("resolves mirror:// URLs through the mirror lists (KILN_MIRRORS replaces one)", async () => {
    server.route("/gnu-mirror/hello/hello.tar.gz", serve(CONTENT));
    const src = fetchurl({ url: "mirror://gnu/hello/hello.tar.gz", hash: SRI });
    const settings = fetchSettingsFromEnvironment({ KILN_MIRRORS: `gnu=${server.url}/nowhere/,${server.url}/gnu-mirror` }, { retryDelayMs: 10 });
    const result = await store.realise([src], { fetchSettings: settings });
    expect(result.failed).toEqual([]);
    expect(readFileSync(src.outputs.out.path, "utf8")).toBe(CONTENT);
  });

  it("takes the file from a hashed mirror directory before the network", async () => {
    const mirror = join(store.root, "mirror");
    const hash = hashString("sha256", CONTENT);
    mkdirSync(join(mirror, "sha256"), { recursive: true });
    writeFileSync(join(mirror, "sha256", hash.toBase16()), CONTENT);
    const src = fetchurl({ url: `${server.url}/not-served-anywhere.tar.gz`, hash: SRI });
    const result = await store.realise([src], { fetchSettings: fetchSettingsFromEnvironment({ KILN_HASHED_MIRRORS: `${server.url}/empty-mirror ${mirror}` }) });
    expect(result.failed).toEqual([]);
    expect(readFileSync(src.outputs.out.path, "utf8")).toBe(CONTENT);
    expect(server.requests).not.toContain("/not-served-anywhere.tar.gz");
    expect(server.requests).toContain(`/empty-mirror/sha256/${hash.toBase16()}`);
  });

  it("reports a wrong hash in Nix's words, keeping nothing", async () => {
    server.route("/wrong", serve(CONTENT));
    const wrong = hashString("sha256", "something else").toSri();
    const src = fetchurl({ url: `${server.url}/wrong`, hash: wrong });
    const result = await store.realise([src], { fetchSettings: testSettings() });
    expect(result.failed[0]?.message).toBe(`hash mismatch in fixed-output derivation '${src.drvPath}':\n  specified: ${wrong}\n       got: ${SRI}`);
    expect(result.failed[0]?.hashMismatch).toEqual({ specified: wrong, got: SRI });
    expect(existsSync(src.outputs.out.path)).toBe(false);
  });

  it("with hash: \"\" fetches and reports the hash to write", async () => {
    server.route("/unknown", serve(CONTENT));
    const src = fetchurl({ url: `${server.url}/unknown`, hash: "" });
    const result = await store.realise([src], { fetchSettings: testSettings() });
    expect(result.failed[0]?.hashMismatch).toEqual({ specified: "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", got: SRI });
  });

  it("makes an executable file with executable: true", async () => {
    server.route("/tool", serve("#!/bin/sh\necho tool\n"));
    const probe = fetchurl({ url: `${server.url}/tool`, hash: "", executable: true });
    const got = (await store.realise([probe], { fetchSettings: testSettings() })).failed[0]?.hashMismatch?.got as string;
    const tool = fetchurl({ url: `${server.url}/tool`, hash: got, executable: true });
    const result = await store.realise([tool], { fetchSettings: testSettings() });
    expect(result.failed).toEqual([]);
    expect(spawnSync(tool.outputs.out.path, { encoding: "utf8" }).stdout).toBe("tool\n");
  });
});

describe.skipIf(!hasNix)("fetchurl under the nix realiser", () => {
  it("is fetched by Kiln and added to Nix's store by content at the predicted path", async () => {
    const server = await startLoopbackServer();
    try {
      setStoreDir("/nix/store");
      const content = `fetched for Nix at ${Date.now()} by ${process.pid}\n`;
      server.route("/for-nix.txt", serve(content));
      const src = fetchurl({ url: `${server.url}/for-nix.txt`, hash: hashString("sha256", content).toSri() });
      const realiser = new NixRealiser({ env: { ...process.env, NIX_REMOTE: "" }, extraArgs: ["--option", "substituters", ""], fetchSettings: testSettings() });
      const result = await realiser.realise(buildDerivationGraph([src]), targetsOf([src]));
      expect(result.failed).toEqual([]);
      expect(result.outputs.get(src.drvPath)).toEqual({ out: src.outputs.out.path });
      expect(readFileSync(src.outputs.out.path, "utf8")).toBe(content);
      const query = spawnSync("nix-store", ["--query", "--hash", src.outputs.out.path], { encoding: "utf8", env: { ...process.env, NIX_REMOTE: "" } });
      expect(query.status).toBe(0);
    } finally {
      await server.close();
    }
  });
});
