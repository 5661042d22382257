/**
 * Locking Debian's real archive: `InRelease` fetched from the host's mirror,
 * verified by gpgv, recorded in a stable `kiln.lock`; and what must fail:
 * a tampered `InRelease`, a tampered index, a missing gpgv.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadFile, setWarningHandler } from "@kiln/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DebianArchiveError,
  DebianSignatureError,
  debian,
  debianMirrors,
  loadPackageIndex,
  setDebianRealiser,
  lockDebianInput,
  readLockFile,
  stableJson,
  verifyInRelease,
  type LockedDebianInput,
} from "../src/index.js";
import { SUITE, archiveUnavailable, cachedFetchSettings, testStore, type TestStore } from "./archive.js";
import { serve } from "./http-server.js";

const unavailable = await archiveUnavailable();
if (unavailable !== undefined) console.warn(`skipping the Debian archive tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("locking a Debian suite from the real archive", () => {
  let dir: string;
  let store: TestStore;
  let mirrors: string[];
  let inRelease: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-lock-"));
    store = testStore();
    mirrors = debianMirrors(SUITE);
    await downloadFile(`${mirrors[0]}dists/${SUITE}/InRelease`, join(dir, "InRelease"), { settings: cachedFetchSettings() });
    inRelease = readFileSync(join(dir, "InRelease"));
  });
  afterAll(() => {
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("records the verified Release date and the main index's path, size and SHA-256", async () => {
    const locked = await lockDebianInput({ suite: SUITE, components: ["main"], architecture: "amd64" }, { mirrors, fetchSettings: cachedFetchSettings() });
    expect(locked.suite).toBe(SUITE);
    expect(locked.date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} UTC$/);
    expect(locked.indexes).toHaveLength(1);
    const [index] = locked.indexes;
    expect(index?.path).toBe(`dists/${SUITE}/main/binary-amd64/Packages.xz`);
    expect(index?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(index?.size).toBeGreaterThan(1_000_000);
  });

  it("locks one index per component, and the package set reads them all", async () => {
    const lockFile = join(dir, "components", "kiln.lock");
    const deb = await debian({ suite: SUITE, components: ["main", "contrib"], name: "with-contrib", lockFile, fetchSettings: cachedFetchSettings() });
    expect(deb.locked.indexes.map((index) => [index.component, index.path])).toEqual([
      ["main", `dists/${SUITE}/main/binary-amd64/Packages.xz`],
      ["contrib", `dists/${SUITE}/contrib/binary-amd64/Packages.xz`],
    ]);
    expect(deb.index.packages.some((entry) => entry.filename.startsWith("pool/contrib/"))).toBe(true);
    expect(deb.index.get("htop")?.filename).toMatch(/^pool\/main\//);
  });

  it("locks an input on first use, says so, and rewrites nothing when nothing changed", async () => {
    const lockFile = join(dir, "first-use", "kiln.lock");
    mkdirSync(join(dir, "first-use"));
    const warnings: string[] = [];
    setWarningHandler((message) => warnings.push(message));
    try {
      const deb = await debian({ suite: SUITE, lockFile, fetchSettings: cachedFetchSettings() });
      expect(warnings).toEqual([expect.stringMatching(new RegExp(`input 'debian-${SUITE}' was not locked; locked it to ${SUITE} of .* in '${lockFile}'`))]);
      const text = readFileSync(lockFile, "utf8");
      expect(text).toBe(stableJson(JSON.parse(text)));
      expect(Object.keys(readLockFile(lockFile).inputs)).toEqual([`debian-${SUITE}`]);
      expect(deb.index.get("htop")?.filename).toMatch(/^pool\/main\/h\/htop\/htop_.*_amd64\.deb$/);
      const before = statSync(lockFile).mtimeMs;
      const again = await debian({ suite: SUITE, lockFile, fetchSettings: cachedFetchSettings() });
      expect(warnings).toHaveLength(1);
      expect(statSync(lockFile).mtimeMs).toBe(before);
      expect(readFileSync(lockFile, "utf8")).toBe(text);
      expect(again.locked).toEqual(deb.locked);
    } finally {
      setWarningHandler(undefined);
    }
  });

  it("keeps both inputs when two are locked on first use at once", async () => {
    const lockFile = join(dir, "together", "kiln.lock");
    setWarningHandler(() => {});
    try {
      await Promise.all([
        debian({ suite: SUITE, name: "one", lockFile, fetchSettings: cachedFetchSettings() }),
        debian({ suite: SUITE, name: "two", lockFile, fetchSettings: cachedFetchSettings() }),
      ]);
    } finally {
      setWarningHandler(undefined);
    }
    expect(Object.keys(readLockFile(lockFile).inputs)).toEqual(["one", "two"]);
  });

  it("refuses an InRelease whose signed text was altered, and writes no lock", async () => {
    const tampered = Buffer.from(inRelease);
    const at = tampered.indexOf("Packages.xz");
    tampered.write("P", at - 2, "latin1"); // one character of a size field
    const server = await serve(new Map([[`dists/${SUITE}/InRelease`, tampered]]));
    const lockFile = join(dir, "tampered", "kiln.lock");
    try {
      const attempt = debian({ suite: SUITE, lockFile, mirrors: [server.url], fetchSettings: cachedFetchSettings() });
      await expect(attempt).rejects.toThrow(DebianSignatureError);
      await expect(debian({ suite: SUITE, lockFile, mirrors: [server.url], fetchSettings: cachedFetchSettings() })).rejects.toThrow(/does not verify .* tampered with/s);
      expect(existsSync(lockFile)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("says gpgv must be installed when it is missing, rather than trusting the file", () => {
    const path = process.env["PATH"];
    process.env["PATH"] = join(dir, "no-such-bin");
    try {
      expect(() => verifyInRelease(inRelease, "InRelease")).toThrow(/'gpgv' is not installed/);
    } finally {
      process.env["PATH"] = path;
    }
  });

  it("refuses an index that does not match the lock and says that 'kiln update' moves the lock", async () => {
    const locked: LockedDebianInput = await lockDebianInput({ suite: SUITE, components: ["main"], architecture: "amd64" }, { mirrors, fetchSettings: cachedFetchSettings() });
    const index = locked.indexes[0];
    if (index === undefined) throw new Error("no index locked");
    const server = await serve(new Map([[index.path, Buffer.from("Package: evil\nVersion: 1\n")]]));
    // A store without the index, and no realiser: the index must come from the (lying) mirror.
    const empty = testStore();
    setDebianRealiser(undefined);
    try {
      const noCache = { ...cachedFetchSettings(), hashedMirrors: [] };
      const attempt = loadPackageIndex(locked, [server.url], { fetchSettings: noCache });
      await expect(attempt).rejects.toThrow(DebianArchiveError);
      await expect(loadPackageIndex(locked, [server.url], { fetchSettings: noCache })).rejects.toThrow(/got SHA-256 [0-9a-f]{64} \(25 bytes\), but the lock says .*'kiln update' moves the lock forward/s);
    } finally {
      empty.dispose();
      await server.close();
    }
  });
});
