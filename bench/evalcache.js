// `pnpm bench evalcache`: an unchanged config, answered from the evaluation
// cache, side by side with Nix in one run (rounds interleaved):
//
// 1. `kiln instantiate --read-only` of the 10,000- and 100,000-node graphs of
//    `pnpm bench instantiate` (evaluated once, untimed but reported; then
//    unchanged), against `node -e 0` (Node's own start-up; goal: within
//    1.5x) and against `nix-instantiate --readonly-mode` of the same graph,
//    which evaluates every time (Nix caches only flakes), run with
//    `ulimit -s unlimited`, which the deep graph needs.
// 2. A no-op `kiln build` of examples/hello against `nix-build`'s no-op.
// 3. A no-op `kiln build` of an already built graph of BENCH_NOOP_NODES
//    (2,500; 0 skips it) trivial derivations (`pnpm bench realise`'s graph:
//    node i needs i-1 and i/2), against `nix-build`'s no-op of the same
//    graph, which evaluates it again and finds every output valid; goal: at
//    least as fast. The first builds (untimed, at once) take about a minute;
//    the graph is deleted from /nix/store afterwards.
//
// The CLI is packed and installed as a user installs it (KILN_BIN=PATH times
// that `kiln` instead). BENCH_ROUNDS (10) sets the rounds; BENCH_SIZES
// ("10000 100000") the graph sizes.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { has, installPackedKiln, ms, reportSides, sideBySide, timed } from "./common.js";
import { KILN_CONFIG, NIX_BUILD_OPTIONS, kilnBuildUntimed, kilnEnv as graphEnv, nixBuildUntimed, nixDelete, nixGraphArguments } from "./realise/sides.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const sizes = (process.env.BENCH_SIZES ?? "10000 100000").split(/\s+/).filter(Boolean).map(Number);
const repo = fileURLToPath(new URL("..", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "kiln-bench-evalcache-"));
const graphConfig = join(repo, "bench", "instantiate", "kiln.ts");
const graphNix = join(repo, "bench", "instantiate", "graph.nix");
const NIX_OPTIONS = ["--option", "sandbox", "false", "--option", "build-users-group", "", "--option", "substituters", ""];
const withNix = has("nix-instantiate");
const noopNodes = Number(process.env.BENCH_NOOP_NODES ?? 2500);
/** .drv paths of this run's graphs in /nix/store, deleted at the end. */
const nixGraphs = [];

try {
  const installed = process.env.KILN_BIN ?? installPackedKiln(root);
  const kilnEnv = { ...process.env, KILN_STORE_DIR: join(root, "store"), KILN_STATE_DIR: join(root, "state"), KILN_CACHE_DIR: join(root, "cache") };
  if (process.env.NODE_EXTRA_CA_CERTS) console.log("(NODE_EXTRA_CA_CERTS is set: every Node process, node -e 0 too, reads those certificates as it starts)");

  for (const nodes of sizes) {
    const env = { ...kilnEnv, BENCH_NODES: String(nodes), NIX_REMOTE: "" };
    const instantiate = { name: "kiln instantiate (cached)", command: installed, args: ["instantiate", graphConfig, "--store-dir", "/nix/store", "--read-only"], options: { env } };
    const first = timed(instantiate.command, instantiate.args, instantiate.options);
    const sides = [instantiate, { name: "node -e 0", command: process.execPath, args: ["-e", "0"] }];
    if (withNix) {
      const script = 'ulimit -s unlimited 2>/dev/null || ulimit -s 1048576; exec nix-instantiate "$@"';
      const nix = { name: "nix-instantiate --readonly-mode", command: "bash", args: ["-c", script, "bash", "--readonly-mode", "--arg", "n", String(nodes), graphNix], options: { env } };
      const nixPath = timed(nix.command, nix.args, nix.options).stdout.trim();
      if (nixPath !== first.stdout.trim()) throw new Error(`Kiln and Nix disagree on the last node: ${first.stdout.trim()} vs ${nixPath}`);
      sides.push(nix);
    }
    const again = timed(instantiate.command, instantiate.args, { env: { ...env, KILN_EVAL_CACHE: "0" } });
    console.log(`${nodes} derivations: the first run evaluates in ${ms(first.ms)} (${ms(again.ms)} with the cache off), then:`);
    reportSides(`  unchanged, median of ${rounds}:`, sides, sideBySide(sides, rounds), 1.5);
  }

  const hello = join(root, "hello");
  cpSync(join(repo, "examples", "hello"), hello, { recursive: true, filter: (source) => !source.includes("node_modules") });
  const build = [
    { name: "kiln build (no-op, cached)", command: installed, args: ["build", `${hello}#hello`, "--no-link"], options: { env: kilnEnv } },
    { name: "node -e 0", command: process.execPath, args: ["-e", "0"] },
  ];
  if (has("nix-build")) build.push({ name: "nix-build (no-op)", command: "nix-build", args: [join(repo, "bench", "startup", "hello.nix"), "--no-out-link", ...NIX_OPTIONS], options: { env: { ...process.env, NIX_REMOTE: "" } } });
  for (const side of build) timed(side.command, side.args, side.options);
  reportSides(`no-op build of examples/hello, median of ${rounds}:`, build, sideBySide(build, rounds), 1.5);

  if (noopNodes > 0) {
    const graph = { nodes: noopNodes, fanout: 2, nonce: `${process.pid}-${Date.now()}-evalcache` };
    const storeDir = join(root, "graph", "store");
    const started = performance.now();
    const [kilnOutput] = await Promise.all([
      kilnBuildUntimed(graph, storeDir, installed, { KILN_CACHE_DIR: kilnEnv.KILN_CACHE_DIR }),
      withNix ? nixBuildUntimed(graph, (drvPath) => nixGraphs.push(drvPath)) : Promise.resolve(""),
    ]);
    console.log(`${noopNodes} derivations (node i needs i-1 and i/2), built once by each (untimed, at once: ${((performance.now() - started) / 1000).toFixed(0)} s), then built again:`);
    const sides = [{ name: "kiln build (no-op, cached)", command: installed, args: ["build", KILN_CONFIG, "--no-link"], options: { env: { ...graphEnv(graph, storeDir), KILN_CACHE_DIR: kilnEnv.KILN_CACHE_DIR } } }];
    if (has("nix-build")) sides.push({ name: "nix-build (no-op)", command: "nix-build", args: [...nixGraphArguments(graph), "--no-out-link", ...NIX_BUILD_OPTIONS], options: { env: { ...process.env, NIX_REMOTE: "" } } });
    sides.push({ name: "node -e 0", command: process.execPath, args: ["-e", "0"] });
    // The first no-op saves the evaluation (the first build evaluated with its options); it must print what the build printed.
    const again = timed(sides[0].command, sides[0].args, sides[0].options);
    if (again.stdout !== kilnOutput) throw new Error(`the no-op kiln build printed other outputs than the first build: ${again.stdout} vs ${kilnOutput}`);
    const medians = sideBySide(sides, rounds);
    if (sides[1].name.startsWith("nix-build")) reportSides(`  unchanged, median of ${rounds}:`, sides, medians, 1);
    else console.log(`  kiln build (no-op): ${ms(medians[0].wall)}`);
  }
} finally {
  for (const drvPath of nixGraphs.splice(0)) nixDelete(drvPath);
  spawnSync("chmod", ["-R", "u+w", root], { stdio: "ignore" });
  rmSync(root, { recursive: true, force: true });
}
