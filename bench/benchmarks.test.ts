// The benchmarks' graphs, small: Kiln and Nix compute the same graph, and Kiln builds it.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const KILN = fileURLToPath(new URL("../packages/cli/bin/kiln.js", import.meta.url));
const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;

describe("benchmark graphs", () => {
  it.skipIf(!hasNix)("the instantiate graph is the same in Kiln and in Nix", () => {
    const config = fileURLToPath(new URL("./instantiate/kiln.ts", import.meta.url));
    const nix = fileURLToPath(new URL("./instantiate/graph.nix", import.meta.url));
    const kilnPath = execFileSync(process.execPath, [KILN, "instantiate", config, "--store-dir", "/nix/store", "--read-only"], { encoding: "utf8", env: { ...process.env, BENCH_NODES: "50" } }).trim();
    const nixPath = execFileSync("nix-instantiate", ["--readonly-mode", "--arg", "n", "50", nix], { encoding: "utf8", env: { ...process.env, NIX_REMOTE: "" }, stdio: ["ignore", "pipe", "ignore"] }).trim();
    expect(kilnPath).toMatch(/-node-49\.drv$/);
    expect(kilnPath).toBe(nixPath);
  });

  it("the realise graph builds, and builds nothing the second time", () => {
    const root = mkdtempSync(join(tmpdir(), "kiln-bench-test-"));
    try {
      const config = fileURLToPath(new URL("./realise/kiln.ts", import.meta.url));
      const env = { ...process.env, BENCH_NODES: "20", BENCH_NONCE: "test", KILN_STORE_DIR: join(root, "store") };
      const first = spawnSync(process.execPath, [KILN, "build", config, "--no-sandbox", "--no-link"], { encoding: "utf8", env });
      expect(first.status).toBe(0);
      expect(first.stderr).toContain("these 20 derivations will be built");
      expect(existsSync(first.stdout.trim())).toBe(true);
      const second = spawnSync(process.execPath, [KILN, "build", config, "--no-sandbox", "--no-link"], { encoding: "utf8", env });
      expect(second.status).toBe(0);
      expect(second.stderr).not.toContain("will be built");
      expect(second.stdout).toBe(first.stdout);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
