/**
 * Real packages built end to end from their upstream sources, offline:
 * `scripts/fetch-sources` puts the tarballs in a hashed mirror
 * (`KILN_SOURCE_MIRROR`, default `<repo>/.cache/sources`), from which the
 * local realiser's fetchurl takes them by hash. Without the source, a test
 * is skipped and says how to get it.
 *
 * By default only GNU hello is built (about 15 s with its test suite);
 * `KILN_REAL_PACKAGES=all` (what CI sets) also builds gzip, diffutils,
 * patch, sed, bzip2, Lua and units, and `KILN_REAL_PACKAGES=every` builds
 * every real package (grep, m4, findutils, xz, less, bc, gperf and gdbm take
 * minutes more).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalRealiser, buildDerivationGraph, checkDeterminism, targetsOf, type Derivation } from "@kiln/core";
import { defaultPackageSet, getExe, packagesOverlay, type DefaultPackageSet, type Package } from "../src/index.js";
import { fillCache } from "../../debian/test/archive.js";
import { cachedFetchSettings, sandboxed, temporaryStore, type TemporaryStore } from "./temporary-store.js";

const repo = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const mirror = resolve(process.env["KILN_SOURCE_MIRROR"] ?? join(repo, ".cache/sources"));
/** Which packages to build: `always` by default, `all` also with KILN_REAL_PACKAGES=all, `every` only with KILN_REAL_PACKAGES=every. */
type Tier = "always" | "all" | "every";
const selected: readonly Tier[] = process.env["KILN_REAL_PACKAGES"] === "every" ? ["always", "all", "every"] : process.env["KILN_REAL_PACKAGES"] === "all" ? ["always", "all"] : ["always"];

/** The hex sha256 of a fetchurl derivation's flat SRI hash. */
function sourceHex(pkg: Package): string {
  const src = (pkg as unknown as { src: Derivation }).src;
  const sri = src.drv.env.get("outputHash") ?? "";
  expect(sri).toMatch(/^sha256-/);
  return Buffer.from(sri.slice("sha256-".length), "base64").toString("hex");
}

/** Whether the mirror holds the package's source. */
const mirrored = (hex: string): boolean => existsSync(join(mirror, "sha256", hex));

let t: TemporaryStore;
let pkgs: DefaultPackageSet;
beforeAll(() => {
  t = temporaryStore();
  pkgs = defaultPackageSet();
});
// The store holds the unpacked toolchain (tens of thousands of files), which takes a while to delete.
afterAll(() => t.dispose(), 300_000);

/** Builds `pkg` with the mirror as the only source of files (one attempt per URL); returns the seconds it took. */
async function buildFromMirror(pkg: Package): Promise<number> {
  const realiser = new LocalRealiser({
    store: t.store,
    sandbox: sandboxed,
    // The stdenv's .debs come from the Debian download cache (or Debian's archive, then kept in the cache).
    fetchSettings: cachedFetchSettings([mirror], { KILN_FETCH_ATTEMPTS: "1", KILN_CONNECT_TIMEOUT: "5" }),
  });
  const started = Date.now();
  const result = await realiser.realise(buildDerivationGraph([pkg]), targetsOf([pkg]), { jobs: 2 });
  fillCache([pkg]);
  if (result.failed.length > 0) throw new Error(result.failed.map((failure) => failure.message).join("\n\n"));
  return (Date.now() - started) / 1000;
}

/**
 * Builds `pkg` again in the sandbox and fails unless the rebuild is
 * bit-identical (`kiln build --check`); returns the seconds it took.
 */
async function checkRebuild(pkg: Package): Promise<number> {
  const started = Date.now();
  const report = await checkDeterminism(buildDerivationGraph([pkg]), targetsOf([pkg]), { store: t.store, sandbox: true, jobs: 2 });
  expect(report.failed.map((failure) => failure.message)).toEqual([]);
  expect(report.identical).toEqual([pkg.drvPath]);
  return (Date.now() - started) / 1000;
}

const run = (program: string, args: string[] = [], input?: string): string => execFileSync(program, args, { encoding: "utf8", ...(input !== undefined ? { input } : {}) });

/** Each package: how to check the built program, and whether its `make check` ran. */
const cases: { name: keyof DefaultPackageSet & string; tier: Tier; verify: (pkg: Package, log: string) => void }[] = [
  {
    name: "hello",
    tier: "always",
    verify(pkg, log) {
      expect(run(getExe(pkg))).toBe("Hello, world!\n");
      expect(run(getExe(pkg), ["--greeting=Howdy"])).toBe("Howdy\n");
      expect(existsSync(`${pkg}/share/man/man1/hello.1.gz`) || existsSync(`${pkg}/share/man/man1/hello.1`)).toBe(true);
      expect(log).toContain("Running phase: checkPhase");
      expect(log).toMatch(/Testsuite summary for GNU Hello 2\.10/);
      expect(log).toMatch(/^# PASS: +[1-9]/m);
      expect(log).toMatch(/^# FAIL: +0$/m);
    },
  },
  {
    name: "gzip",
    tier: "all",
    verify(pkg, log) {
      const work = mkdtempSync(join(tmpdir(), "kiln-gzip-"));
      try {
        writeFileSync(join(work, "a.txt"), "kiln ".repeat(1000));
        run(getExe(pkg), [join(work, "a.txt")]);
        expect(run(`${pkg}/bin/zcat`, [join(work, "a.txt.gz")])).toBe("kiln ".repeat(1000));
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      expect(log).toMatch(/Testsuite summary for gzip 1\.12/);
      expect(log).toMatch(/^# FAIL: +0$/m);
    },
  },
  {
    name: "diffutils",
    tier: "all",
    verify(pkg, log) {
      expect(run(getExe(pkg), ["--version"])).toContain("diff (GNU diffutils) 3.8");
      expect(log).toMatch(/Testsuite summary for GNU diffutils 3\.8/);
      expect(log).toMatch(/^# FAIL: +0$/m);
    },
  },
  {
    name: "gnupatch",
    tier: "all",
    verify(pkg, log) {
      expect(run(getExe(pkg), ["--version"])).toContain("GNU patch 2.7.6");
      expect(log).toMatch(/Testsuite summary for GNU patch 2\.7\.6/);
      expect(log).toMatch(/^# FAIL: +0$/m);
    },
  },
  {
    name: "gnused",
    tier: "all",
    verify(pkg) {
      expect(run(getExe(pkg), ["s/world/Kiln/"], "Hello, world!\n")).toBe("Hello, Kiln!\n");
      expect(run(getExe(pkg), ["--version"])).toContain("sed (GNU sed) 4.9");
    },
  },
  {
    name: "bzip2",
    tier: "all",
    verify(pkg, log) {
      expect(run(getExe(pkg), ["-c"], "kiln").length).toBeGreaterThan(0);
      expect(execFileSync("sh", ["-c", `printf kiln | ${getExe(pkg)} -c | ${getExe(pkg)} -dc`], { encoding: "utf8" })).toBe("kiln");
      // Its test target compresses and decompresses the sample files and compares them.
      expect(log).toContain("cmp sample3.tst sample3.ref");
    },
  },
  {
    name: "lua5_4",
    tier: "all",
    verify(pkg, log) {
      expect(run(getExe(pkg), ["-e", "print(string.format('%d', 6 * 7))"])).toBe("42\n");
      expect(log).toContain("Lua 5.4.4");
    },
  },
  {
    name: "units",
    tier: "all",
    verify(pkg, log) {
      expect(run(getExe(pkg), ["-t", "1 mile", "km"])).toBe("1.609344\n");
      expect(log).toContain("Running phase: checkPhase");
    },
  },
  {
    name: "gnugrep",
    tier: "every",
    verify(pkg, log) {
      expect(run(getExe(pkg), ["-c", "kiln"], "kiln\nnix\nkiln\n")).toBe("2\n");
      expect(log).toMatch(/Testsuite summary for GNU grep 3\.8/);
      expect(log).toMatch(/^# FAIL: +0$/m);
    },
  },
  {
    name: "gnum4",
    tier: "every",
    verify(pkg) {
      expect(run(getExe(pkg), [], "define(`greet', `Hello, $1!')greet(`Kiln')\n")).toBe("Hello, Kiln!\n");
    },
  },
  {
    name: "findutils",
    tier: "every",
    verify(pkg) {
      expect(run(getExe(pkg), [`${pkg}/bin`, "-name", "xargs", "-printf", "%f\n"])).toBe("xargs\n");
    },
  },
  {
    name: "xz",
    tier: "every",
    verify(pkg, log) {
      expect(execFileSync("sh", ["-c", `printf kiln | ${getExe(pkg)} | ${getExe(pkg)} -d`], { encoding: "utf8" })).toBe("kiln");
      expect(log).toMatch(/^# FAIL: +0$/m);
    },
  },
  {
    name: "less",
    tier: "every",
    verify(pkg) {
      expect(run(getExe(pkg), ["--version"])).toContain("less 590");
      expect(execFileSync(getExe(pkg), [], { encoding: "utf8", input: "paged\n", env: { TERM: "dumb", LESS: "-F" } })).toBe("paged\n");
    },
  },
  {
    name: "bc",
    tier: "every",
    verify(pkg) {
      expect(run(getExe(pkg), ["-q"], "scale=5; 22/7\n")).toBe("3.14285\n");
    },
  },
  {
    name: "gperf",
    tier: "every",
    verify(pkg, log) {
      expect(run(getExe(pkg), [], "kiln\nnix\n")).toContain("in_word_set");
      expect(log).not.toContain("Running phase: checkPhase");
    },
  },
  {
    name: "gdbm",
    tier: "every",
    verify(pkg, log) {
      expect(run(`${pkg}/bin/gdbmtool`, ["--version"])).toContain("gdbmtool (gdbm) 1.23");
      expect(log).toMatch(/^All \d+ tests were successful\.$/m);
    },
  },
];

describe("the real packages", () => {
  it("each have a description, homepage and license, and an upstream source fixed by its sha256", () => {
    const names = Object.keys(Object.getOwnPropertyDescriptors(packagesOverlay(defaultPackageSet())));
    expect(names.length).toBeGreaterThanOrEqual(15);
    for (const name of names) {
      const pkg = pkgs[name as keyof DefaultPackageSet] as Package;
      const meta = (pkg as unknown as { meta: { description?: string; homepage?: string; license?: unknown } }).meta;
      expect(meta.description, name).toMatch(/\w/);
      expect(meta.homepage, name).toMatch(/^https:\/\//);
      expect(meta.license, name).toBeDefined();
      expect(sourceHex(pkg)).toMatch(/^[0-9a-f]{64}$/);
      expect(cases.map((entry) => entry.name), `${name} has a build test`).toContain(name);
    }
  });
});

describe("real packages from upstream sources", () => {
  for (const { name, tier, verify } of cases) {
    // The source's hash is known without evaluating the package set's store paths.
    const probe = defaultPackageSet()[name] as Package;
    const hex = sourceHex(probe);
    const skipReason = !selected.includes(tier) ? `set KILN_REAL_PACKAGES=${tier} to build it` : !mirrored(hex) ? `its source (sha256 ${hex}) is not in ${mirror}; run scripts/fetch-sources` : undefined;
    // The build is checked for determinism by rebuilding it, which needs the sandbox.
    const title = `builds ${name} from its upstream tarball and runs its test suite${sandboxed ? ", and rebuilds it bit-identical" : ""}`;
    if (skipReason !== undefined) {
      it.skip(`${title} (skipped: ${skipReason})`, () => {});
      continue;
    }
    it(title, { timeout: 600_000 }, async () => {
      const pkg = pkgs[name] as Package;
      expect(sourceHex(pkg)).toBe(hex);
      const seconds = await buildFromMirror(pkg);
      console.log(`${name}: built in ${seconds.toFixed(1)} s`);
      verify(pkg, t.log(pkg));
      if (sandboxed) console.log(`${name}: rebuilt bit-identical in ${(await checkRebuild(pkg)).toFixed(1)} s`);
    });
  }
});
