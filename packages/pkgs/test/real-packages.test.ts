/**
 * Real packages built end to end from their upstream sources, offline:
 * `scripts/fetch-sources` puts the tarballs in a hashed mirror
 * (`KILN_SOURCE_MIRROR`, default `<repo>/.cache/sources`), from which the
 * local realiser's fetchurl takes them by hash. Without the source, a test
 * is skipped and says how to get it.
 *
 * By default only GNU hello is built (about 15 s with its test suite); set
 * `KILN_REAL_PACKAGES=all` to build gzip, diffutils, patch and sed too.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalRealiser, buildDerivationGraph, fetchSettingsFromEnvironment, targetsOf, type Derivation } from "@kiln/core";
import { defaultPackageSet, getExe, type DefaultPackageSet, type Package } from "../src/index.js";
import { sandboxed, temporaryStore, type TemporaryStore } from "./temporary-store.js";

const repo = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const mirror = resolve(process.env["KILN_SOURCE_MIRROR"] ?? join(repo, ".cache/sources"));
const all = process.env["KILN_REAL_PACKAGES"] === "all";

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
afterAll(() => t.dispose());

/** Builds `pkg` with the mirror as the only source of files (one attempt per URL); returns the seconds it took. */
async function buildFromMirror(pkg: Package): Promise<number> {
  const realiser = new LocalRealiser({
    store: t.store,
    sandbox: sandboxed,
    fetchSettings: fetchSettingsFromEnvironment({ KILN_HASHED_MIRRORS: mirror, KILN_FETCH_ATTEMPTS: "1", KILN_CONNECT_TIMEOUT: "5" }),
  });
  const started = Date.now();
  const result = await realiser.realise(buildDerivationGraph([pkg]), targetsOf([pkg]), { jobs: 2 });
  if (result.failed.length > 0) throw new Error(result.failed.map((failure) => failure.message).join("\n\n"));
  return (Date.now() - started) / 1000;
}

const run = (program: string, args: string[] = [], input?: string): string => execFileSync(program, args, { encoding: "utf8", ...(input !== undefined ? { input } : {}) });

/** Each package: how to check the built program, and whether its `make check` ran. */
const cases: { name: keyof DefaultPackageSet & string; always: boolean; verify: (pkg: Package, log: string) => void }[] = [
  {
    name: "hello",
    always: true,
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
    always: false,
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
    always: false,
    verify(pkg, log) {
      expect(run(getExe(pkg), ["--version"])).toContain("diff (GNU diffutils) 3.8");
      expect(log).toMatch(/Testsuite summary for GNU diffutils 3\.8/);
      expect(log).toMatch(/^# FAIL: +0$/m);
    },
  },
  {
    name: "gnupatch",
    always: false,
    verify(pkg, log) {
      expect(run(getExe(pkg), ["--version"])).toContain("GNU patch 2.7.6");
      expect(log).toMatch(/Testsuite summary for GNU patch 2\.7\.6/);
      expect(log).toMatch(/^# FAIL: +0$/m);
    },
  },
  {
    name: "gnused",
    always: false,
    verify(pkg) {
      expect(run(getExe(pkg), ["s/world/Kiln/"], "Hello, world!\n")).toBe("Hello, Kiln!\n");
      expect(run(getExe(pkg), ["--version"])).toContain("sed (GNU sed) 4.9");
    },
  },
];

describe("real packages from upstream sources", () => {
  for (const { name, always, verify } of cases) {
    // The source's hash is known without evaluating the package set's store paths.
    const probe = defaultPackageSet()[name] as Package;
    const hex = sourceHex(probe);
    const skipReason = !always && !all ? "set KILN_REAL_PACKAGES=all to build it" : !mirrored(hex) ? `its source (sha256 ${hex}) is not in ${mirror}; run scripts/fetch-sources` : undefined;
    const title = `builds ${name} from its upstream tarball and runs its test suite`;
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
    });
  }
});
