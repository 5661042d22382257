// The realise benchmark's graph, small: Kiln builds all of it, and it is the graph Nix builds.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const KILN = fileURLToPath(new URL("../packages/cli/bin/kiln.js", import.meta.url));
const CONFIG = fileURLToPath(new URL("./realise/kiln.ts", import.meta.url));
const NIX_FILE = fileURLToPath(new URL("./realise/graph.nix", import.meta.url));
const FLAT_CONFIG = fileURLToPath(new URL("./realise/flat.ts", import.meta.url));
const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;

function graphEnv(nodes: number, fanout: number, storeDir: string): NodeJS.ProcessEnv {
  return { ...process.env, BENCH_NODES: String(nodes), BENCH_FANOUT: String(fanout), BENCH_NONCE: "realise-test", KILN_STORE_DIR: storeDir };
}

/** Every output reachable from `path` through the paths each output names (its inputs). */
function outputsReachableFrom(path: string): Set<string> {
  const seen = new Set<string>();
  const queue = [path];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...readFileSync(next, "utf8").split(/\s+/).filter((word) => word !== ""));
  }
  return seen;
}

describe("the realise benchmark's graph", () => {
  let root = "";
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "kiln-realise-test-"));
  });
  afterEach(() => {
    spawnSync("chmod", ["-R", "u+w", root]);
    rmSync(root, { recursive: true, force: true });
  });

  it.each([10, 2])("with fan-out divisor %i, kiln build builds all 20 nodes, each output naming its inputs", (fanout) => {
    const build = spawnSync(process.execPath, [KILN, "build", CONFIG, "--no-sandbox", "-j", "2", "--no-link"], { encoding: "utf8", env: graphEnv(20, fanout, join(root, "store")) });
    expect(build.status, build.stderr).toBe(0);
    const last = build.stdout.trim();
    expect(basename(last)).toMatch(/-r-19$/);
    const outputs = outputsReachableFrom(last);
    expect([...outputs].map((path) => basename(path).replace(/^[a-z0-9]{32}-/, "")).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `r-${i}`).sort());
    for (const path of outputs) expect(existsSync(path)).toBe(true);
  });

  it.skipIf(!hasNix).each([10, 2])("with fan-out divisor %i, Kiln computes the .drv paths Nix does", (fanout) => {
    const kiln = spawnSync(process.execPath, [KILN, "instantiate", CONFIG, "--store-dir", "/nix/store", "--read-only"], { encoding: "utf8", env: graphEnv(20, fanout, "/nix/store") });
    const nix = spawnSync("nix-instantiate", ["--readonly-mode", NIX_FILE, "--arg", "n", "20", "--arg", "fanout", String(fanout), "--argstr", "nonce", "realise-test"], {
      encoding: "utf8",
      env: { ...process.env, NIX_REMOTE: "" },
    });
    expect(kiln.status, kiln.stderr).toBe(0);
    expect(nix.status, nix.stderr).toBe(0);
    expect(kiln.stdout.trim()).toMatch(/-r-19\.drv$/);
    expect(kiln.stdout.trim()).toBe(nix.stdout.trim());
  });

  it("the sandbox-overhead graph is independent derivations: kiln build -j 1 builds each, none naming another", () => {
    const build = spawnSync(process.execPath, [KILN, "build", FLAT_CONFIG, "--no-sandbox", "-j", "1", "--no-link"], { encoding: "utf8", env: graphEnv(5, 1, join(root, "store")) });
    expect(build.status, build.stderr).toBe(0);
    const outputs = build.stdout.trim().split("\n");
    expect(outputs.map((path) => basename(path).replace(/^[a-z0-9]{32}-/, ""))).toEqual(["s-0", "s-1", "s-2", "s-3", "s-4"]);
    for (const path of outputs) expect(readFileSync(path, "utf8")).toBe("realise-test\n");
  });
});
