// The modules benchmark's configuration, small: Kiln merges every option as
// the configuration says (and as Nix with nixpkgs' lib does, when NIXPKGS_LIB
// points at a copy of it).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const KILN = fileURLToPath(new URL("../packages/cli/bin/kiln.js", import.meta.url));
const config = fileURLToPath(new URL("./modules/kiln.ts", import.meta.url));
const nixConfig = fileURLToPath(new URL("./modules/config.nix", import.meta.url));
const nixpkgsLib = process.env["NIXPKGS_LIB"];
const withNix = nixpkgsLib !== undefined && existsSync(join(nixpkgsLib, "lib", "default.nix")) && spawnSync("nix-instantiate", ["--version"]).status === 0;
const n = 12;

interface Merged {
  enable: boolean;
  name: string;
  port: number;
  tags: string[];
  settings: Record<string, string>;
  users: Record<string, { uid: number; shell: string }>;
  o6: number;
  o7: number;
  o8: number;
  o9: number;
}

const mod = (i: number): number => ((i % n) + n) % n;

describe("the modules benchmark's configuration", () => {
  const merged = JSON.parse(execFileSync(process.execPath, [KILN, "eval", config, "--json"], { encoding: "utf8", env: { ...process.env, BENCH_MODULES: String(n) } })) as Record<string, Merged>;

  it("merges every option by the rules of each property", () => {
    expect(Object.keys(merged)).toHaveLength(n);
    for (let i = 0; i < n; i++) {
      const value = merged[`m${i}`] as Merged;
      const enabled = (j: number): boolean => mod(j) % 3 !== 0;
      expect(value.enable).toBe(enabled(i));
      expect(value.name).toBe(`module-${i}`);
      expect(value.port).toBe(80);
      expect([...value.tags].sort()).toEqual([1, 2, 3].map((k) => `t${mod(i - k)}-${k}`).sort());
      const settings = { [`s${mod(i - 1)}`]: `v${mod(i - 1)}`, ...Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`x${mod(i - index - 1)}_${index + 1}`, "w"])) };
      expect(value.settings).toEqual(settings);
      expect(value.users).toEqual({ [`u${mod(i - 2)}`]: { uid: mod(i - 2), shell: "/bin/sh" } });
      expect([value.o6, value.o7]).toEqual(enabled(i + 5) ? [i, 2 * i] : [0, 0]);
      expect(value.o8).toBe(2);
      expect(value.o9).toBe(i);
    }
  });

  it.skipIf(!withNix)("is merged by Nix with nixpkgs' lib to the same values, lists in the same order", () => {
    const nix = execFileSync("nix-instantiate", ["--eval", "--strict", "--read-write-mode", "--option", "substituters", "", "--expr", `import ${nixConfig} { lib = import ${join(nixpkgsLib as string, "lib")}; n = ${n}; }`], {
      encoding: "utf8",
      env: { ...process.env, NIX_REMOTE: "" },
    });
    expect(merged).toEqual(JSON.parse(JSON.parse(nix) as string));
  });
});
