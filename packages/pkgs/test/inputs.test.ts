import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePkgs, type PackageSet } from "../src/index.js";
import { greetLibraries } from "./greet-libraries.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

let t: TemporaryStore;
let pkgs: PackageSet;
beforeAll(() => {
  t = temporaryStore();
  // The host toolchain: these test the setup script's phases and hooks; hermetic-stdenv.test.ts builds with the Debian one.
  pkgs = makePkgs({ toolchain: "host" });
});
afterAll(() => t.dispose());

/** libbase (static), libgreet (shared, out + dev, propagating libbase) and an app using libgreet, which records its build environment. */
function libraries() {
  return greetLibraries(pkgs.stdenv, `
      mkdir -p "$out/share"
      for var in PKG_CONFIG_PATH NIX_CFLAGS_COMPILE NIX_LDFLAGS CPPFLAGS LDFLAGS C_INCLUDE_PATH LIBRARY_PATH LD_RUN_PATH; do
        echo "$var=\${!var}" >> "$out/share/build-env"
      done
      if command -v pkg-config >/dev/null; then
        { pkg-config --modversion greet; pkg-config --variable=includedir greet; pkg-config --libs greet; } > "$out/share/pkg-config"
      fi
    `);
}

function buildEnvironment(app: { outPath: string }): Map<string, string> {
  const lines = readFileSync(`${app.outPath}/share/build-env`, "utf8").trim().split("\n");
  return new Map(lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
}

describe("dependencies", () => {
  it("give a plain gcc and make the include, library and pkg-config paths of inputs and what they propagate", async () => {
    const { libbase, libgreet, app } = libraries();
    await t.build(app);
    // The Makefile uses neither CPPFLAGS nor LDFLAGS; gcc found greet.h, base.h (propagated) and libgreet.so.
    expect(execFileSync(`${app}/bin/greet-app`, { encoding: "utf8" })).toBe("greetings from libgreet (42, magic 42)\n");
    const env = buildEnvironment(app);
    const dev = `${libgreet.outputs["dev"]}`;
    expect(env.get("PKG_CONFIG_PATH")).toBe(`${dev}/lib/pkgconfig`);
    expect(env.get("NIX_CFLAGS_COMPILE")).toBe(`-isystem ${dev}/include -isystem ${libbase}/include`);
    expect(env.get("C_INCLUDE_PATH")).toBe(`${dev}/include:${libbase}/include`);
    // dev has a lib directory too (lib/pkgconfig); like nixpkgs, Kiln adds every lib directory.
    expect(env.get("LIBRARY_PATH")).toBe(`${dev}/lib:${libbase}/lib:${libgreet}/lib`);
    // Only libgreet has shared libraries, so only it (and the package itself) gets an rpath entry.
    expect(env.get("LD_RUN_PATH")).toBe(`${libgreet}/lib:${app}/lib`);
    expect(env.get("LDFLAGS")).toBe(`-L${dev}/lib -L${libbase}/lib -L${libgreet}/lib -Wl,-rpath,${libgreet}/lib -Wl,-rpath,${app}/lib`);
    expect(env.get("NIX_LDFLAGS")).toBe(`-L${dev}/lib -L${libbase}/lib -L${libgreet}/lib -rpath ${libgreet}/lib`);
    if (existsSync(`${app}/share/pkg-config`)) {
      // pkg-config found greet.pc through PKG_CONFIG_PATH (pkgconf leaves out -I and -L for directories gcc already searches).
      const [version, includedir, libs] = readFileSync(`${app}/share/pkg-config`, "utf8").trim().split("\n");
      expect(version).toBe("1.0");
      expect(includedir).toBe(`${dev}/include`);
      expect(libs).toMatch(/-lgreet$/);
    }
    // The binary's rpath makes libgreet a run-time dependency; libbase, linked statically, is not.
    const binary = readFileSync(`${app}/bin/greet-app`);
    expect(binary.includes(`${libgreet}/lib`)).toBe(true);
    expect(binary.includes(libbase.outPath)).toBe(false);
    expect(t.store.pathInfo(app.outPath)?.references).toContain(libgreet.outPath);
  });

  it("split into outputs: headers and pkg-config files go to dev, which propagates out and the propagated inputs", async () => {
    const { libbase, libgreet } = libraries();
    await t.build(libgreet);
    const dev = `${libgreet.outputs["dev"]}`;
    expect(existsSync(`${dev}/include/greet.h`)).toBe(true);
    expect(existsSync(`${dev}/lib/pkgconfig/greet.pc`)).toBe(true);
    expect(existsSync(`${libgreet}/include`)).toBe(false);
    expect(existsSync(`${libgreet}/lib/libgreet.so`)).toBe(true);
    expect(readFileSync(`${dev}/nix-support/propagated-build-inputs`, "utf8").trim().split(" ")).toEqual([`${libbase}`, `${libgreet}`]);
    // A dependency with a dev output contributes that output to inputs.
    const user = pkgs.stdenv.mkDerivation({ name: "user", buildInputs: [libgreet, null, false] });
    expect(user.drv.env.get("buildInputs")).toBe(dev);
  });

  it("refuses an undefined input, naming it", () => {
    expect(() => pkgs.stdenv.mkDerivation({ name: "typo", buildInputs: [undefined] })).toThrow("package 'typo': buildInputs[0] is undefined");
  });
});
