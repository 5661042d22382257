/**
 * The hermetic stdenv: its tools are the locked Debian toolchain, which
 * builds see as their `/usr`, `/lib` and `/bin`. The host's tools change
 * nothing (the same store paths with other tools first on `PATH`), a build
 * cannot use what the host has and the toolchain lacks (a header, a
 * program), and a C program with libraries among its inputs builds with
 * Debian's gcc, pkg-config and make. The seed the default stdenv uses is
 * what the shipped lock resolves to.
 *
 * The first build unpacks the toolchain (about 130 `.deb`s) into the test's
 * store, from the download cache the Debian tests keep.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStoreDir, path } from "@kiln/core";
import { debian, type DebianPackageSetOperations } from "@kiln/debian";
import { SEED_LOCK_FILE, debianSeed, makePkgs, resolveSeed, type PackageSet } from "../src/index.js";
import { greetLibraries } from "./greet-libraries.js";
import { cachedFetchSettings, sandboxed, temporaryStore, type TemporaryStore } from "./temporary-store.js";

const repo = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const built = existsSync(join(repo, "packages/pkgs/dist/index.js"));

let t: TemporaryStore;
let pkgs: PackageSet;
beforeAll(() => {
  t = temporaryStore();
  pkgs = makePkgs();
});
// The store holds the unpacked toolchain (tens of thousands of files), which takes a while to delete.
afterAll(() => t.dispose(), 300_000);

/** The shipped lock's input, read once (parsing its index takes seconds). */
let shippedInput: Promise<DebianPackageSetOperations> | undefined;
const shipped = (): Promise<DebianPackageSetOperations> => (shippedInput ??= debian({ suite: "bookworm", lockFile: SEED_LOCK_FILE, fetchSettings: cachedFetchSettings() }));

/** A directory of fake `gcc`, `cc`, `make`, `bash`, `ld` and `pkg-config` that print other versions. */
function fakeToolchain(directory: string): string {
  const bin = join(directory, "fake-bin");
  mkdirSync(bin, { recursive: true });
  for (const tool of ["gcc", "cc", "make", "bash", "ld", "pkg-config", "sed", "grep", "tar", "cp", "mkdir", "ls"]) {
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} (Fake) 99.9"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  return bin;
}

/** Store paths of the stdenvs and every package of the default set, evaluated by a fresh process with `PATH`. */
function storePathsWith(pathVariable: string): Record<string, string> {
  const script = `
    const { setStoreDir } = await import(${JSON.stringify(join(repo, "packages/core/dist/index.js"))});
    setStoreDir(process.argv[1]);
    const { defaultPackageSet, packagesOverlay } = await import(${JSON.stringify(join(repo, "packages/pkgs/dist/index.js"))});
    const pkgs = defaultPackageSet();
    const paths = { stdenv: pkgs.stdenv.outPath, stdenvNoCC: pkgs.stdenvNoCC.outPath };
    // The trivial builders, on stdenvNoCC.
    paths.writeText = pkgs.writeText("note", "a note").outPath;
    paths.writeShellScript = pkgs.writeShellScript("hi", "echo hi").outPath;
    paths.runCommand = pkgs.runCommand("made", {}, "mkdir -p $out/share && echo made > $out/share/made").outPath;
    paths.symlinkJoin = pkgs.symlinkJoin({ name: "joined", paths: [pkgs.writeScriptBin("a", "echo a")] }).outPath;
    for (const name of Object.keys(Object.getOwnPropertyDescriptors(packagesOverlay(pkgs)))) paths[name] = pkgs[name].outPath;
    console.log(JSON.stringify(paths));
  `;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script, getStoreDir()], { encoding: "utf8", env: { ...process.env, PATH: pathVariable } });
  return JSON.parse(output) as Record<string, string>;
}

describe("the hermetic stdenv", () => {
  it.skipIf(!built)("gives the same store paths for stdenv, stdenvNoCC, the trivial builders and every package whatever gcc, make, bash, sed or ls come first on PATH", () => {
    const directory = mkdtempSync(join(tmpdir(), "kiln-fake-tools-"));
    try {
      const fake = fakeToolchain(directory);
      expect(execFileSync("gcc", ["--version"], { encoding: "utf8", env: { PATH: `${fake}:${process.env["PATH"] ?? ""}` } })).toContain("Fake");
      const plain = storePathsWith(process.env["PATH"] ?? "/usr/bin:/bin");
      const faked = storePathsWith(`${fake}:${process.env["PATH"] ?? ""}`);
      expect(Object.keys(plain).length).toBeGreaterThan(16);
      expect(faked).toEqual(plain);
      // The host stdenv would notice such tools: the fingerprint of its search path changes.
      expect(makePkgs({ hostPath: `${fake}:/usr/bin:/bin` }).stdenv.outPath).not.toBe(makePkgs({ toolchain: "host" }).stdenv.outPath);
      expect(makePkgs({ hostPath: `${fake}:/usr/bin:/bin` }).stdenvNoCC.outPath).not.toBe(makePkgs({ toolchain: "host" }).stdenvNoCC.outPath);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("depends only on the Debian toolchain's store paths and its own scripts", () => {
    const drv = pkgs.stdenv.derivation.drv;
    expect(drv.env.get("kilnBuildRoot")).toBe(`${pkgs.stdenv.toolchainRoot?.outPath ?? ""}/root`);
    expect(drv.env.get("hostTools")).toContain("gcc-12 12.2.0");
    expect([...drv.inputDrvs.keys()]).toEqual([pkgs.stdenv.toolchainRoot?.drvPath]);
    expect(drv.inputSrcs.every((source) => /-(setup|stdenv-builder)\.sh$/.test(source))).toBe(true);
    // Every package carries the build root, which its sandbox shows as /usr.
    expect(pkgs.stdenv.mkDerivation({ name: "any" }).drv.env.get("kilnBuildRoot")).toBe(drv.env.get("kilnBuildRoot"));
  });

  it("without a compiler (stdenvNoCC, the trivial builders') depends only on the seed's tools without gcc", () => {
    const drv = pkgs.stdenvNoCC.derivation.drv;
    expect(pkgs.stdenvNoCC.toolchain).toBe("debian");
    expect(drv.env.get("kilnBuildRoot")).toBe(`${pkgs.stdenvNoCC.toolchainRoot?.outPath ?? ""}/root`);
    expect(drv.env.get("hostTools")).toContain("coreutils 9.1-1");
    expect(drv.env.get("hostTools")).not.toContain("gcc-12 ");
    expect([...drv.inputDrvs.keys()]).toEqual([pkgs.stdenvNoCC.toolchainRoot?.drvPath]);
    expect(pkgs.writeText("note", "a note\n").drv.env.get("kilnBuildRoot")).toBe(drv.env.get("kilnBuildRoot"));
    // The host's stays available, impure, by name.
    expect(pkgs.stdenvHostNoCC.toolchain).toBe("host");
    expect(pkgs.stdenvHostNoCC.derivation.drv.env.get("kilnBuildRoot")).toBeUndefined();
  });

  it("is the closure the shipped lock resolves to", async () => {
    const deb = await shipped();
    expect(resolveSeed(deb)).toEqual(debianSeed());
    // Following the project's input gives the same toolchain, hence the same stdenv, for the same lock.
    expect(makePkgs({ debian: deb }).stdenv.outPath).toBe(pkgs.stdenv.outPath);
    // And the seed's own Debian packages (less's ncurses, bc's ed) are deb.package's.
    for (const name of ["ed", "libncurses-dev"]) expect(pkgs.debianPackage(name).outPath).toBe(deb.package(name).outPath);
  });
});

describe.skipIf(!sandboxed)("builds with the hermetic stdenv", () => {
  it("build a C program with a library among its inputs, with Debian's gcc, make and pkg-config, while fake tools are first on PATH", { timeout: 300_000 }, async () => {
    const { app } = greetLibraries(
      pkgs.stdenv,
      `
        mkdir -p "$out/share"
        { gcc --version | head -n 1; pkg-config --modversion greet; } > "$out/share/tools"
      `,
    );
    const directory = mkdtempSync(join(tmpdir(), "kiln-fake-tools-"));
    const saved = process.env["PATH"];
    process.env["PATH"] = `${fakeToolchain(directory)}:${saved ?? ""}`;
    try {
      await t.build(app);
    } finally {
      process.env["PATH"] = saved;
      rmSync(directory, { recursive: true, force: true });
    }
    expect(readFileSync(join(app.outPath, "share/tools"), "utf8")).toMatch(/^gcc \(Debian 12\.2\.0-14\S*\) 12\.2\.0\n1\.0\n$/);
    expect(execFileSync(join(app.outPath, "bin/greet-app"), { encoding: "utf8" })).toBe("greetings from libgreet (42, magic 42)\n");
  });

  it("of the trivial builders succeed with the seed's tools while fake ones are first on PATH, and see no host /usr", { timeout: 300_000 }, async () => {
    const hostProgram = ["bwrap", "nix-store", "git"].find((program) => spawnSync("sh", ["-c", `command -v ${program}`]).status === 0);
    expect(hostProgram).toBeDefined();
    const made = pkgs.runCommand("trivial-probe", {}, `mkdir -p $out/share; { sed --version | head -n 1; if command -v ${hostProgram ?? "true"} >/dev/null; then echo host: visible; else echo host: absent; fi; } > $out/share/probe`);
    const script = pkgs.writeShellScript("trivial-hi", "echo hi");
    const directory = mkdtempSync(join(tmpdir(), "kiln-fake-tools-"));
    const saved = process.env["PATH"];
    process.env["PATH"] = `${fakeToolchain(directory)}:${saved ?? ""}`;
    try {
      await t.build(made, script);
    } finally {
      process.env["PATH"] = saved;
      rmSync(directory, { recursive: true, force: true });
    }
    expect(readFileSync(join(made.outPath, "share/probe"), "utf8")).toBe("sed (GNU sed) 4.9\nhost: absent\n");
    expect(execFileSync(script.outPath, { encoding: "utf8" })).toBe("hi\n");
  });

  it("fail when they use a header or a program the host has and the toolchain does not", { timeout: 300_000 }, async () => {
    const hostHeader = ["zlib.h", "sqlite3.h", "ncurses.h"].find((header) => existsSync(join("/usr/include", header)));
    const hostProgram = ["bwrap", "nix-store", "git"].find((program) => spawnSync("sh", ["-c", `command -v ${program}`]).status === 0);
    const usesHeader = (stdenv: PackageSet["stdenv"]) =>
      stdenv.mkDerivation({ name: "uses-host-header", dontUnpack: true, buildPhase: `printf '#include <${hostHeader ?? "stdio.h"}>\\nint main(void) { return 0; }\\n' > probe.c; cc probe.c -o probe`, installPhase: "touch $out" });
    const usesProgram = (stdenv: PackageSet["stdenv"]) => stdenv.mkDerivation({ name: "uses-host-program", dontUnpack: true, buildPhase: `${hostProgram ?? "true"} --version`, installPhase: "touch $out" });
    expect(hostHeader).toBeDefined();
    expect(hostProgram).toBeDefined();
    for (const [drv, complaint] of [
      [usesHeader(pkgs.stdenv), `${hostHeader}: No such file or directory`],
      [usesProgram(pkgs.stdenv), `${hostProgram}: command not found`],
    ] as const) {
      expect((await t.realise([drv])).failed.map((failure) => failure.drvPath)).toEqual([drv.drvPath]);
      expect(t.log(drv)).toContain(complaint);
    }
    // With the host's tools the same builds succeed: the host has them.
    const host = makePkgs({ toolchain: "host" }).stdenv;
    expect((await t.realise([usesHeader(host), usesProgram(host)])).failed).toEqual([]);
  });

  it("build with Debian libraries among the inputs, found through the build root, run from a run path into the store", { timeout: 300_000 }, async () => {
    const deb = await shipped();
    const set = makePkgs({ debian: deb });
    const program = set.stdenv.mkDerivation({
      pname: "ssl-version",
      version: "1",
      src: path("./fixtures/ssl-version"),
      buildInputs: [deb.package("libssl-dev")],
      buildPhase: 'cc $(pkg-config --cflags openssl) ssl-version.c -o ssl-version $LDFLAGS $(pkg-config --libs openssl)',
      installPhase: 'install -D ssl-version "$out/bin/ssl-version"',
    });
    await t.build(program);
    const binary = join(program.outPath, "bin/ssl-version");
    expect(execFileSync(binary, { encoding: "utf8" })).toMatch(/^OpenSSL 3\.0\.\d+\S* /);
    // libssl3 (whose libcrypto it uses) is its runtime closure, the only .deb left once patchelf dropped the run paths it does not use,
    // and the loader takes the library from there, not from the host.
    const debs = t.store.pathInfo(program.outPath)?.references.filter((reference) => reference.endsWith("-deb")) ?? [];
    expect(debs).toHaveLength(1);
    expect(debs[0]).toMatch(/-libssl3-[^/]*-deb$/);
    expect(execFileSync("ldd", [binary], { encoding: "utf8" })).toContain(`libcrypto.so.3 => ${debs[0] ?? ""}/usr/lib/x86_64-linux-gnu/libcrypto.so.3`);
  });
});
