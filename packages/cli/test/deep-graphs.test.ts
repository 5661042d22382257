// Graphs deeper than V8's stack: a chain of packages (or derivations) each
// depending on the one before goes through the plain `kiln` command, in a
// plain `node` process, to any depth; the top's .drv is the one Nix computes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KILN_BIN, runKiln } from "./run-kiln.js";

const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-deep-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

function write(name: string, text: string): string {
  const file = join(root, name);
  writeFileSync(file, text);
  return file;
}

/** The .drv path `nix-instantiate` computes for `expression` with `n`, for `storeDir`; Nix's own stack limit raised, as it overflows on such chains. */
function nixDrvPath(expression: string, n: number, storeDir: string): string {
  const file = write("chain.nix", expression);
  const script = 'ulimit -s unlimited 2>/dev/null || ulimit -s "$(ulimit -H -s)"; exec nix-instantiate --readonly-mode --arg n "$1" "$2"';
  const nix = spawnSync("bash", ["-c", script, "bash", String(n), file], { encoding: "utf8", env: { ...process.env, NIX_REMOTE: "", NIX_STORE_DIR: storeDir } });
  expect(nix.status, nix.stderr).toBe(0);
  return nix.stdout.trim();
}

/** Derivation `c<i>` of the chain, in Nix: the same attributes as `link` below. */
const NIX_LINK = `name: dep: derivation { inherit name dep; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo $dep > $out" ]; }`;
const KILN_LINK = `(name: string, dep: unknown): Derivation => derivation({ name, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo $dep > $out"], dep: dep === undefined ? "" : \`\${dep as string}\` })`;

describe("graphs deeper than the JavaScript stack", () => {
  it("a 10,000-deep chain of packages in a package set (each read through callPackage from the one before) instantiates in a plain node process, writing every .drv, and its top is the .drv Nix computes", () => {
    const config = write(
      "kiln.ts",
      `import { derivation, type Derivation } from "@kiln/core";
import { makePkgs, type PackageSet } from "@kiln/pkgs";
const link = ${KILN_LINK};
const n = 10000;
const chain = (final: PackageSet): object => {
  const packages = {};
  for (let i = 0; i < n; i++) {
    Object.defineProperty(packages, \`p\${i}\`, { enumerable: true, get: () => final.callPackage((args: Record<string, unknown>) => link(\`p\${i}\`, i === 0 ? undefined : args[\`p\${i - 1}\`])) });
  }
  return packages;
};
const pkgs = makePkgs({ overlays: [chain] });
export default { get top() { return pkgs[\`p\${n - 1}\`]; } };
`,
    );
    const storeDir = join(root, "store");
    const kiln = runKiln(["instantiate", config], root, { KILN_STORE_DIR: storeDir });
    expect(kiln.stderr).toBe("");
    expect(kiln.status).toBe(0);
    const top = kiln.stdout.trim();
    expect(top).toMatch(/-p9999\.drv$/);
    expect(readdirSync(storeDir).filter((name) => name.endsWith(".drv"))).toHaveLength(10000); // every .drv written
    if (hasNix) {
      const nix = `{ n }: let link = ${NIX_LINK}; pkgs = builtins.listToAttrs (builtins.genList (i: { name = "p\${toString i}"; value = link "p\${toString i}" (if i == 0 then "" else pkgs."p\${toString (i - 1)}"); }) n); in pkgs."p\${toString (n - 1)}"`;
      expect(top).toBe(nixDrvPath(nix, 10000, storeDir));
    }
  });

  it("a 10,000-deep chain of mkDerivation packages, read from finalAttrs getters and by an overlay while it runs, is planned by the dry-run realiser", () => {
    const config = write(
      "kiln.ts",
      `import { makePkgs, type PackageSet } from "@kiln/pkgs";
const n = 10000;
const chain = (final: PackageSet): object => {
  const packages = {};
  for (let i = 0; i < n; i++) {
    Object.defineProperty(packages, \`p\${i}\`, {
      enumerable: true,
      get: () => final.callPackage(({ stdenvNoCC, pkgs }: PackageSet) =>
        stdenvNoCC.mkDerivation(() => ({ pname: \`p\${i}\`, version: "1", dontUnpack: true, get buildInputs() { return i === 0 ? [] : [pkgs[\`p\${i - 1}\`]]; } }))),
    });
  }
  return packages;
};
// Not a getter: evaluated while this overlay runs.
const eager = (final: PackageSet): object => ({ top: final[\`p\${n - 1}\`] });
const pkgs = makePkgs({ overlays: [chain, eager] });
export default { get top() { return pkgs["top"]; } };
`,
    );
    const kiln = runKiln(["build", "--realiser", "dry-run", config], root, { KILN_STORE_DIR: join(root, "store") });
    expect(kiln.status, kiln.stderr.slice(-2000)).toBe(0);
    // The chain, the stdenv, its Debian root and the 84 unpacked .debs of the seed it is made of.
    expect(kiln.stderr).toContain("these 10086 derivations will be built:");
    expect(kiln.stderr).toMatch(/-p9999-1\.drv\n/);
  });

  it("a 20,000-deep chain of derivation() values instantiates and is planned by the dry-run realiser, and its top is the .drv Nix computes", () => {
    const config = write(
      "kiln.ts",
      `import { derivation, type Derivation } from "@kiln/core";
const link = ${KILN_LINK};
let top: Derivation | undefined;
for (let i = 0; i < 20000; i++) top = link(\`c\${i}\`, top);
export default { top };
`,
    );
    const kiln = runKiln(["instantiate", config, "--read-only"], root);
    expect(kiln.stderr).toBe("");
    expect(kiln.status).toBe(0);
    const top = kiln.stdout.trim();
    expect(top).toMatch(/^\/nix\/store\/[0-9a-z]{32}-c19999\.drv$/);
    if (hasNix) {
      const nix = `{ n }: let link = ${NIX_LINK}; in builtins.foldl' (prev: i: link "c\${toString i}" (if prev == null then "" else prev)) null (builtins.genList (i: i) n)`;
      expect(top).toBe(nixDrvPath(nix, 20000, "/nix/store"));
    }
    // The plan lists every derivation: more than runKiln's output buffer holds.
    const planned = spawnSync(process.execPath, [KILN_BIN, "build", "--realiser", "dry-run", config], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, KILN_STORE_DIR: join(root, "store") } });
    expect(planned.status, planned.stderr.slice(-2000)).toBe(0);
    expect(planned.stderr).toContain("these 20000 derivations will be built:");
  });
});
