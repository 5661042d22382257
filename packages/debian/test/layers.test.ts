/**
 * Mixing revisions against the real archive: `bookworm-backports`, which
 * carries only the packages it brings newer versions of, is layered over
 * `bookworm`. Its tmux finds `libc6` and `libevent` in the base; tmux of the
 * backports and jq of the base run in one environment; each `.deb` comes
 * from the input whose index lists it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DebianInputError, DebianResolveError, compareDebianVersions, debian, readLockFile, unpackedDerivation, type DebianPackageSet, type IndexPackage } from "../src/index.js";
import { SUITE, archiveUnavailable, cachedFetchSettings, testStore, type TestStore } from "./archive.js";

const BACKPORTS = `${SUITE}-backports`;
const unavailable = await archiveUnavailable();
if (unavailable !== undefined) console.warn(`skipping the layered input tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)(`${BACKPORTS} layered over ${SUITE}`, () => {
  let dir: string;
  let store: TestStore;
  let base: DebianPackageSet;
  let backports: DebianPackageSet;
  /** tmux of the backports (newer than the base's, and needing libc6 and libevent of the base). */
  let tmux: IndexPackage;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-layers-"));
    store = testStore();
    const lockFile = join(dir, "kiln.lock");
    base = await debian({ suite: SUITE, lockFile, essential: false, fetchSettings: cachedFetchSettings() });
    backports = await debian({ suite: BACKPORTS, base, lockFile, essential: false, fetchSettings: cachedFetchSettings() });
    tmux = backports.index.get("tmux") as IndexPackage;
    expect(tmux).toBeDefined();
    expect(compareDebianVersions(tmux.version, base.index.get("tmux")?.version ?? "0")).toBeGreaterThan(0);
  }, 120_000);
  afterAll(() => {
    store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("locks the two inputs apart, each under its own name, recording which is layered over which", () => {
    const lock = readLockFile(join(dir, "kiln.lock"));
    expect(Object.keys(lock.inputs).sort()).toEqual([`debian-${SUITE}`, `debian-${BACKPORTS}`]);
    expect(lock.inputs[`debian-${BACKPORTS}`]?.suite).toBe(BACKPORTS);
    // What it is layered over, for the commands that read the lock alone.
    expect([lock.inputs[`debian-${BACKPORTS}`]?.base, lock.inputs[`debian-${SUITE}`]?.base]).toEqual([`debian-${SUITE}`, undefined]);
  });

  it("resolves tmux of the backports with libc6 and libevent from the base suite", () => {
    const closure = backports.closure(["tmux"]);
    expect(closure).toContain(tmux);
    expect(closure).toContain(base.index.get("libc6"));
    expect(closure.some((entry) => entry.name.startsWith("libevent-core") && base.index.get(entry.name) === entry)).toBe(true);
    // Every package comes from one of the two indexes, and the newest version of it wins.
    for (const entry of closure) {
      const candidates = [base.index.get(entry.name), backports.index.get(entry.name)].filter((found) => found !== undefined);
      expect(candidates).toContain(entry);
    }
  });

  it("cannot resolve the same package without its base: the backports alone lack libc6", async () => {
    const alone = await debian({ suite: BACKPORTS, name: "backports-alone", lockFile: join(dir, "kiln.lock"), essential: false, fetchSettings: cachedFetchSettings() });
    expect(() => alone.package("tmux")).toThrow(DebianResolveError);
    expect(() => alone.package("tmux")).toThrow(/libc6/);
  });

  it("refuses a base that is not a Debian input", async () => {
    await expect(debian({ suite: BACKPORTS, base: {} as DebianPackageSet, lockFile: join(dir, "kiln.lock") })).rejects.toThrow(DebianInputError);
  });

  it("runs tmux of the backports and jq of the base in one environment, each unpacked from its own input", async () => {
    const env = backports.fhsEnv({ name: "mixed", packages: ["tmux", "jq", "libc-bin"] });
    expect((await store.realise([env])).failed).toEqual([]);
    const upstream = tmux.version.replace(/^\d+:/, "").replace(/-[^-]*$/, "");
    // tmux wants a UTF-8 locale: C.UTF-8 is in libc-bin (Essential, so left out of closures with essential: false).
    const version = spawnSync(join(env.outPath, "bin/tmux"), ["-V"], { encoding: "utf8", env: { ...process.env, LC_ALL: "C.UTF-8" } });
    expect([version.stdout, version.stderr]).toEqual([`tmux ${upstream}\n`, ""]);
    expect(spawnSync(join(env.outPath, "bin/jq"), ["-n", "[1, 2] | add"], { encoding: "utf8" }).stdout).toBe("3\n");
    const closure = readFileSync(join(env.outPath, "kiln-debian/closure"), "utf8").trim().split("\n");
    const unpackedPath = (entry: IndexPackage | undefined): string => unpackedDerivation(entry as IndexPackage, []).outputs.out.path;
    expect(closure).toContain(unpackedPath(tmux));
    expect(closure).toContain(unpackedPath(base.index.get("jq")));
    expect(closure).toContain(unpackedPath(base.index.get("libc6")));
  }, 300_000);

  it("puts a package and others of its input or base in one environment with withPackages", async () => {
    const jq = base.package("jq");
    const env = backports.package("tree").withPackages([jq]);
    expect((await store.realise([env])).failed).toEqual([]);
    expect(spawnSync(join(env.outPath, "bin/jq"), ["-n", "2 * 21"], { encoding: "utf8" }).stdout).toBe("42\n");
    expect(spawnSync(join(env.outPath, "bin/tree"), ["--version"], { encoding: "utf8" }).stdout).toMatch(/^tree v2\./);
    // A package of an input unrelated to this one is refused.
    expect(() => base.package("tree").withPackages([backports.package("tmux")])).toThrow(/is not a package of debian-bookworm;/);
  }, 300_000);
});
