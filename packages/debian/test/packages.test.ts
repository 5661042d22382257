/**
 * Packages from the real archive: `deb.htop` fetches the `.deb`s of its
 * closure by the locked SHA-256, unpacks them (the maintainer scripts left
 * out) and refers to them; a mirror serving altered bytes fails with Kiln's
 * hash-mismatch error and registers nothing.
 */
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debFetch, debian, unpackedDerivation, type DebianPackageSet } from "../src/index.js";
import { SUITE, archiveUnavailable, cachedFetchSettings, testStore, type TestStore } from "./archive.js";
import { serve } from "./http-server.js";

const unavailable = await archiveUnavailable();
if (unavailable !== undefined) console.warn(`skipping the Debian package tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("Debian packages from the real archive", () => {
  let dir: string;
  let store: TestStore;
  let deb: DebianPackageSet;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-packages-"));
    store = testStore();
    deb = await debian({ suite: SUITE, lockFile: join(dir, "kiln.lock"), essential: false, fetchSettings: cachedFetchSettings() });
  });
  afterAll(() => {
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("builds htop as a store path that refers to the unpacked .debs of its closure, itself first", async () => {
    const htop = deb.package("htop");
    expect((await store.realise([htop])).failed).toEqual([]);
    const closure = readFileSync(join(htop.outPath, "kiln-debian/closure"), "utf8").trim().split("\n");
    const names = deb.closure(["htop"]).map((entry) => entry.name);
    expect(closure).toHaveLength(names.length);
    expect(closure[0]).toMatch(/-htop-[^/]*-deb$/);
    for (const name of names) expect(closure.some((path) => path.includes(`-${name}-`))).toBe(true);
    // Its references are the closure's trees (and itself: the wrappers name its merged tree).
    expect(store.store.pathInfo(htop.outPath)?.references.filter((path) => path !== htop.outPath).sort()).toEqual(closure.slice().sort());
    expect(readFileSync(join(htop.outPath, "bin/htop"), "utf8")).toMatch(/^#!\/bin\/sh\n/);
    // The unpacked trees: the program, and libc6's absolute loader link kept as Debian ships it; no maintainer scripts.
    expect(lstatSync(join(closure[0] as string, "usr/bin/htop")).isFile()).toBe(true);
    const libc = closure.find((path) => /-libc6-[^/]*-deb$/.test(path)) as string;
    expect(readlinkSync(join(libc, "lib64/ld-linux-x86-64.so.2"))).toBe("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    expect(() => lstatSync(join(libc, "DEBIAN"))).toThrow();
  });

  it("gives the same package store path for the same lock, whichever mirror is used", async () => {
    const other = await debian({ suite: SUITE, lockFile: join(dir, "kiln.lock"), essential: false, mirrors: ["http://127.0.0.1:9/debian/"], fetchSettings: cachedFetchSettings() });
    expect(other.package("htop").outputs.out.path).toBe(deb.package("htop").outputs.out.path);
    // Property access is the same as package(): deb["nginx-light"].
    expect(other["nginx-light"]?.outputs.out.path).toBe(deb.package("nginx-light").outputs.out.path);
  });

  it("says which locked .deb no mirror serves any more, and that 'kiln update' moves the lock forward", async () => {
    const entry = deb.index.get("tree");
    if (entry === undefined) throw new Error("tree is not in the index");
    const server = await serve(new Map());
    try {
      const { failed } = await store.realise([debFetch(entry, [server.url])], { ...cachedFetchSettings(), hashedMirrors: [], attempts: 1 });
      expect(failed).toHaveLength(1);
      expect(failed[0]?.message).toContain(`no mirror serves the locked file '${entry.filename}' any more`);
      expect(failed[0]?.message).toMatch(/'kiln update' moves the lock forward/);
      expect(failed[0]?.message).toMatch(/404/);
    } finally {
      await server.close();
    }
  });

  it("refuses a .deb whose bytes differ from the locked hash, with Kiln's hash-mismatch error, and registers nothing", async () => {
    const entry = deb.index.get("tree");
    if (entry === undefined) throw new Error("tree is not in the index");
    const server = await serve(new Map([[entry.filename, Buffer.from("!<arch>\nnot the real tree\n")]]));
    try {
      const unpacked = unpackedDerivation(entry, [server.url]);
      const fetched = debFetch(entry, [server.url]);
      // Neither the cache nor another mirror may rescue it.
      const { failed } = await store.realise([unpacked], { ...cachedFetchSettings(), hashedMirrors: [], attempts: 1 });
      expect(failed).toHaveLength(1);
      expect(failed[0]?.drvPath).toBe(fetched.drvPath);
      expect(failed[0]?.message).toMatch(/^hash mismatch in fixed-output derivation/);
      expect(failed[0]?.hashMismatch?.specified).toBe(`sha256-${Buffer.from(entry.sha256, "hex").toString("base64")}`);
      expect(store.store.isValid(fetched.outPath)).toBe(false);
      expect(store.store.isValid(unpacked.outPath)).toBe(false);
    } finally {
      await server.close();
    }
  });
});
