// The instantiate benchmark's graph, small: Kiln and Nix compute the same graph.
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const KILN = fileURLToPath(new URL("../packages/cli/bin/kiln.js", import.meta.url));
const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;

describe("the instantiate benchmark's graph", () => {
  it.skipIf(!hasNix)("the instantiate graph is the same in Kiln and in Nix", () => {
    const config = fileURLToPath(new URL("./instantiate/kiln.ts", import.meta.url));
    const nix = fileURLToPath(new URL("./instantiate/graph.nix", import.meta.url));
    const kilnPath = execFileSync(process.execPath, [KILN, "instantiate", config, "--store-dir", "/nix/store", "--read-only"], { encoding: "utf8", env: { ...process.env, BENCH_NODES: "50" } }).trim();
    const nixPath = execFileSync("nix-instantiate", ["--readonly-mode", "--arg", "n", "50", nix], { encoding: "utf8", env: { ...process.env, NIX_REMOTE: "" }, stdio: ["ignore", "pipe", "ignore"] }).trim();
    expect(kilnPath).toMatch(/-node-49\.drv$/);
    expect(kilnPath).toBe(nixPath);
  });

  it("the floor program (bench/floor/instantiate.js) gives the graph Kiln gives, so its time is a floor for the same work", () => {
    const config = fileURLToPath(new URL("./instantiate/kiln.ts", import.meta.url));
    const floor = fileURLToPath(new URL("./floor/instantiate.js", import.meta.url));
    for (const nodes of ["1", "300"]) {
      const kilnPath = execFileSync(process.execPath, [KILN, "instantiate", config, "--store-dir", "/nix/store", "--read-only"], { encoding: "utf8", env: { ...process.env, BENCH_NODES: nodes } }).trim();
      expect(execFileSync(process.execPath, [floor, nodes], { encoding: "utf8" }).trim()).toBe(kilnPath);
    }
  });
});
