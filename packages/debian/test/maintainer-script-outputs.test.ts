/**
 * What Debian's maintainer scripts would make, made by the environment
 * builder from real packages instead (no script is run): alternatives links
 * read from the packages' `postinst` (the highest priority wins), gdk-pixbuf's
 * `loaders.cache` and fontconfig's caches, written by the closure's own tools
 * run inside the environment.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBubblewrap } from "@kiln/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debian, type DebianPackageSet } from "../src/index.js";
import { SUITE, archiveUnavailable, cachedFetchSettings, testStore, type TestStore } from "./archive.js";

const bwrapWorks = findBubblewrap() !== undefined && spawnSync("bwrap", ["--ro-bind", "/", "/", "true"]).status === 0;
const unavailable = (await archiveUnavailable()) ?? (bwrapWorks ? undefined : "bubblewrap is not installed or cannot create namespaces here");
if (unavailable !== undefined) console.warn(`skipping the maintainer-script output tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("what maintainer scripts would make, made for real Debian packages", () => {
  let dir: string;
  let store: TestStore;
  let deb: DebianPackageSet;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-scripts-"));
    store = testStore();
    deb = await debian({ suite: SUITE, lockFile: join(dir, "kiln.lock"), essential: false, fetchSettings: cachedFetchSettings() });
  }, 120_000);
  // Removing a store of whole closures takes a while on a busy machine.
  afterAll(() => {
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it("links /usr/bin/awk to the alternative of highest priority: gawk (10) over mawk (5); mawk alone gets bin/awk", async () => {
    const both = deb.fhsEnv({ name: "awks", packages: ["mawk", "gawk"] });
    const mawk = deb.package("mawk");
    expect((await store.realise([both, mawk])).failed).toEqual([]);
    expect(readlinkSync(join(both.outPath, "root/usr/bin/awk"))).toBe("/etc/alternatives/awk");
    expect(readlinkSync(join(both.outPath, "root/etc/alternatives/awk"))).toBe("/usr/bin/gawk");
    expect(spawnSync(join(both.outPath, "bin/awk"), ["--version"], { encoding: "utf8" }).stdout).toMatch(/^GNU Awk /);
    expect(readlinkSync(join(mawk.outPath, "root/etc/alternatives/awk"))).toBe("/usr/bin/mawk");
    const run = spawnSync(join(mawk.outPath, "bin/awk"), ["BEGIN { print 6 * 7 }"], { encoding: "utf8" });
    expect(run.stdout).toBe("42\n");
    expect(spawnSync(join(mawk.outPath, "bin/nawk"), ["-W", "version"], { encoding: "utf8" }).stdout).toMatch(/^mawk /);
  }, 300_000);

  it("writes gdk-pixbuf's loaders.cache and fontconfig's caches with the closure's own tools, and fontconfig uses them", async () => {
    const env = deb.fhsEnv({ name: "pixbuf-fonts", packages: ["libgdk-pixbuf-2.0-0", "fontconfig", "fonts-dejavu-core"] });
    expect((await store.realise([env])).failed).toEqual([]);
    const root = join(env.outPath, "root");
    const loaders = readFileSync(join(root, "usr/lib/x86_64-linux-gnu/gdk-pixbuf-2.0/2.10.0/loaders.cache"), "utf8");
    expect(loaders).toMatch(/"\/usr\/lib\/x86_64-linux-gnu\/gdk-pixbuf-2.0\/2.10.0\/loaders\/libpixbufloader-bmp.so"/);
    expect(loaders).toMatch(/"image\/bmp"/);
    expect(readdirSync(join(root, "var/cache/fontconfig")).some((file) => /\.cache-\d+$/.test(file))).toBe(true);
    // FC_DEBUG=16 (CACHE) shows each directory's cache checked against the directory: the store's times, so valid.
    const list = spawnSync(join(env.outPath, "bin/fc-list"), [":", "file"], { encoding: "utf8", env: { ...process.env, FC_DEBUG: "16" } });
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/\/usr\/share\/fonts\/truetype\/dejavu\/DejaVuSans\.ttf/);
    expect(list.stdout).toMatch(/FcCacheTimeValid dir "\/usr\/share\/fonts\/truetype\/dejavu" cache checksum 1\.0 dir checksum 1\.0/);
    expect(existsSync(join(env.outPath, "bin/fc-cache"))).toBe(true);
  }, 300_000);
});
