import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { path } from "@kiln/core";
import { licenses, makePkgs, type PackageSet } from "../src/index.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

let t: TemporaryStore;
let pkgs: PackageSet;
beforeAll(() => {
  t = temporaryStore();
  // The host toolchain: these test the setup script's phases and hooks; hermetic-stdenv.test.ts builds with the Debian one.
  pkgs = makePkgs({ toolchain: "host" });
});
afterAll(() => t.dispose());

/** The greeter fixture (a C program with a configure script and a Makefile), with extra attributes. */
function greeter(extra: Record<string, unknown> = {}) {
  return pkgs.stdenv.mkDerivation({
    pname: "greeter",
    version: "1.0",
    src: path("./fixtures/greeter"),
    ...extra,
  });
}

const run = (program: string, args: string[] = []): string => execFileSync(program, args, { encoding: "utf8" });

describe("stdenv.mkDerivation", () => {
  it("builds a C program through unpack, configure, build, check, install and fixup, running each hook", async () => {
    const log = (hook: string): string => `echo ${hook} >> hooks.log`;
    const pkg = greeter({
      configureFlags: ["--greeting=Howdy"],
      doCheck: true,
      preConfigure: log("preConfigure"),
      postConfigure: log("postConfigure"),
      preBuild: log("preBuild"),
      postBuild: log("postBuild"),
      preCheck: log("preCheck"),
      postCheck: log("postCheck"),
      preInstall: log("preInstall"),
      postInstall: `echo postInstall >> "$out/share/greeter/hooks.log"`,
      preFixup: `echo preFixup >> "$out/share/greeter/hooks.log"`,
      postFixup: `echo postFixup >> "$out/share/greeter/hooks.log"`,
      meta: { description: "Greets the world", license: licenses.mit, mainProgram: "greeter" },
    });
    await t.build(pkg);
    expect(run(`${pkg}/bin/greeter`)).toBe("Howdy, world!\n");
    expect(readFileSync(`${pkg}/share/greeter/hooks.log`, "utf8").trim().split("\n")).toEqual([
      "preConfigure",
      "postConfigure",
      "preBuild",
      "postBuild",
      "preCheck",
      "postCheck",
      "preInstall",
      "postInstall",
      "preFixup",
      "postFixup",
    ]);
    // doCheck ran `make check`.
    expect(readFileSync(`${pkg}/share/greeter/check.log`, "utf8")).toBe("check passed\n");
    const log2 = t.log(pkg);
    for (const phase of ["unpackPhase", "patchPhase", "configurePhase", "buildPhase", "checkPhase", "installPhase", "fixupPhase"]) {
      expect(log2).toContain(`Running phase: ${phase}`);
    }
  });

  it("applies patches, rewrites #!/usr/bin/env shebangs, moves man pages to share/man and strips debugging information", async () => {
    const pkg = greeter({ patches: [path("./fixtures/patches/shout.patch")] });
    await t.build(pkg);
    // The patch made the greeting shout.
    expect(run(`${pkg}/bin/greeter`)).toBe("Hello, WORLD!\n");
    expect(t.log(pkg)).toContain("applying patch");
    // #!/usr/bin/env bash became the host's bash, written /bin/bash.
    const script = readFileSync(`${pkg}/bin/greet-twice`, "utf8");
    expect(script.split("\n")[0]).toBe("#!/bin/bash");
    expect(run(`${pkg}/bin/greet-twice`)).toBe("Hello, WORLD!\nHello, WORLD!\n");
    // $out/man moved to $out/share/man.
    expect(existsSync(`${pkg}/share/man/man1/greeter.1`)).toBe(true);
    expect(existsSync(`${pkg}/man`)).toBe(false);
    // The Makefile compiles with -g; strip -S removed the DWARF sections.
    expect(readFileSync(`${pkg}/bin/greeter`).includes(".debug_info")).toBe(false);
    // No check phase without doCheck.
    expect(existsSync(`${pkg}/share/greeter/check.log`)).toBe(false);
    expect(t.log(pkg)).not.toContain("Running phase: checkPhase");
  });

  it("keeps debugging information with dontStrip and shebangs with dontPatchShebangs", async () => {
    const pkg = greeter({ dontStrip: true, dontPatchShebangs: true });
    await t.build(pkg);
    expect(readFileSync(`${pkg}/bin/greeter`).includes(".debug_info")).toBe(true);
    expect(readFileSync(`${pkg}/bin/greet-twice`, "utf8").split("\n")[0]).toBe("#!/usr/bin/env bash");
    expect(t.log(pkg)).not.toContain("stripping");
  });

  it("lets a phase be replaced by shell code, skipped with dont…, or the phase list be given", async () => {
    const replaced = greeter({
      configurePhase: 'printf "PREFIX = $out\\nGREETING = Replaced\\n" > config.mk',
      dontFixup: true,
    });
    const listed = pkgs.stdenv.mkDerivation({
      pname: "listed",
      version: "1",
      src: path("./fixtures/greeter"),
      phases: ["unpackPhase", "myPhase", "installPhase"],
      myPhase: "echo custom > custom.txt",
      installPhase: 'runHook preInstall; mkdir -p "$out"; cp custom.txt greeter.c "$out/"; runHook postInstall',
      postInstall: 'echo post >> "$out/custom.txt"',
    });
    await t.build(replaced, listed);
    expect(run(`${replaced}/bin/greeter`)).toBe("Replaced, world!\n");
    // Without fixup the man page stays where make put it.
    expect(existsSync(`${replaced}/man/man1/greeter.1`)).toBe(true);
    expect(readFileSync(`${listed}/custom.txt`, "utf8")).toBe("custom\npost\n");
    expect(readdirSync(`${listed}`).sort()).toEqual(["custom.txt", "greeter.c"]);
    expect(t.log(listed)).not.toContain("Running phase: buildPhase");
  });

  it("unpacks a compressed tarball and builds in the directory it made", async () => {
    const tarball = join(t.root, "greeter-1.0.tar.xz");
    const fixture = fileURLToPath(new URL("./fixtures/greeter", import.meta.url));
    execFileSync("tar", ["-cJf", tarball, "--transform", "s,^greeter,greeter-1.0,", "-C", dirname(fixture), "greeter"]);
    const pkg = greeter({ src: path(tarball) });
    await t.build(pkg);
    expect(t.log(pkg)).toContain("source root is greeter-1.0");
    expect(run(`${pkg}/bin/greeter`)).toBe("Hello, world!\n");
  });

  it("reads lists as bash arrays with structured attributes", async () => {
    const pkg = greeter({ __structuredAttrs: true, configureFlags: ["--greeting=Good day"], postInstall: 'echo "${#configureFlags[@]}" > "$out/share/greeter/flag-count"' });
    expect(pkg.drv.env.has("__json")).toBe(true);
    await t.build(pkg);
    expect(run(`${pkg}/bin/greeter`)).toBe("Good day, world!\n");
    expect(readFileSync(`${pkg}/share/greeter/flag-count`, "utf8")).toBe("1\n");
    expect(existsSync(`${pkg}/share/man/man1/greeter.1`)).toBe(true);
  });

  it("keeps passthru and meta out of the derivation, on the package instead", () => {
    const pkg = pkgs.stdenv.mkDerivation({
      pname: "described",
      version: "0.1",
      dontUnpack: true,
      installPhase: 'touch "$out"',
      passthru: { tests: "a test", updateScript: "update.sh" },
      meta: { description: "Has a description", license: licenses.gpl3Plus, homepage: "https://example.org", platforms: ["x86_64-linux", "aarch64-linux"] },
    });
    const env = pkg.drv.env;
    for (const key of ["passthru", "meta", "tests", "updateScript", "description", "license", "homepage"]) expect(env.has(key), key).toBe(false);
    expect([...env.values()].join("\n")).not.toContain("Has a description");
    expect(env.get("pname")).toBe("described");
    expect(env.get("version")).toBe("0.1");
    expect(env.get("name")).toBe("described-0.1");
    expect(pkg.name).toBe("described-0.1");
    expect(pkg.meta.description).toBe("Has a description");
    expect(pkg.meta.license).toBe(licenses.gpl3Plus);
    expect(pkg.passthru.tests).toBe("a test");
    expect(pkg.tests).toBe("a test");
    expect(pkg.updateScript).toBe("update.sh");
    // The package is the derivation: it interpolates as its output path.
    expect(`${pkg}`).toBe(pkg.outPath);
    expect(env.get("stdenv")).toBe(pkg.stdenv.outPath);
    expect(env.get("builder")).toBe("/bin/bash");
  });

  it("merges env into the environment and refuses a variable given twice", () => {
    const pkg = pkgs.stdenv.mkDerivation({ name: "with-env", env: { GREETING: "hi", NIX_CFLAGS_COMPILE: "-DX=1" } });
    expect(pkg.drv.env.get("GREETING")).toBe("hi");
    expect(pkg.drv.env.has("env")).toBe(false);
    expect(() => pkgs.stdenv.mkDerivation({ name: "twice", GREETING: "a", env: { GREETING: "b" } })).toThrow("'GREETING' is given both as an attribute and in 'env'");
  });

  it("refuses an unfree package unless the config allows it", () => {
    const attrs = { name: "proprietary", meta: { license: licenses.unfree } };
    expect(() => pkgs.stdenv.mkDerivation(attrs)).toThrow("package 'proprietary' has an unfree license (unfree)");
    expect(makePkgs({ config: { allowUnfree: true } }).stdenv.mkDerivation(attrs).name).toBe("proprietary");
    expect(() => pkgs.stdenv.mkDerivation({ name: "elsewhere", meta: { platforms: ["riscv64-none"] } })).toThrow("not available on the requested system");
  });
});
