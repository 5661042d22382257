// The pkgs benchmark's package set, small: the overlays apply in Kiln as
// the set says, and Kiln and Nix compute the same derivations.
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const KILN = fileURLToPath(new URL("../packages/cli/bin/kiln.js", import.meta.url));
const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;
const n = 200;

describe("the pkgs benchmark's package set", () => {
  const config = fileURLToPath(new URL("./pkgs/kiln.ts", import.meta.url));
  const kilnPaths = execFileSync(process.execPath, [KILN, "instantiate", config, "--store-dir", "/nix/store", "--read-only"], { encoding: "utf8", env: { ...process.env, BENCH_PACKAGES: String(n) } })
    .trim()
    .split("\n");

  it("instantiates the top 95 generated packages and the bundles, with the overlays' changes", () => {
    const names = kilnPaths.map((path) => path.replace(/^\/nix\/store\/[0-9a-z]{32}-/, "").replace(/\.drv$/, ""));
    expect(names).toHaveLength(100);
    expect(names).toContain("pkg_199-1.0");
    expect(names).not.toContain("pkg_104-1.0"); // only the top 95 generated packages
    expect(names).toContain("pkg_110-1.0-p1"); // overlay 2: every 10th package is patched
    expect(names).toContain("pkg_111-1.0");
    expect(names).toContain("bundle_4-1.0"); // overlay 3 adds the bundles
  });

  it.skipIf(!hasNix)("is the same package set in Kiln and in Nix (fix and extends)", () => {
    const nix = fileURLToPath(new URL("./pkgs/pkgs.nix", import.meta.url));
    const nixPaths = execFileSync("nix-instantiate", ["--readonly-mode", "--arg", "n", String(n), nix], { encoding: "utf8", env: { ...process.env, NIX_REMOTE: "" }, stdio: ["ignore", "pipe", "ignore"] })
      .trim()
      .split("\n");
    expect([...kilnPaths].sort()).toEqual([...nixPaths].sort());
  });

  it("the floor program (bench/floor/pkgs.js, the overlays applied by hand) gives the derivations Kiln gives", () => {
    const floor = fileURLToPath(new URL("./floor/pkgs.js", import.meta.url));
    const floorPaths = execFileSync(process.execPath, [floor, String(n), "95"], { encoding: "utf8" }).trim().split("\n");
    expect([...floorPaths].sort()).toEqual([...kilnPaths].sort());
  });
});
