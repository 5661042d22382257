// `pnpm bench realise`: Kiln's local realiser against Nix, both unsandboxed
// with two jobs, side by side in one run (rounds interleaved, the order
// alternating), on the same graph (the same .drv paths, checked first).
//
// 1. Throughput: a graph of trivial derivations nothing has built (a fresh nonce
//    each round; Kiln into a fresh temporary store). Kiln is timed as one whole
//    `kiln build`; Nix as `nix-instantiate` and `nix-store --realise` apart, so
//    that Kiln's whole run can be set against Nix's building alone and against
//    Nix's whole run. Kiln builds unsandboxed, as Nix; with
//    BENCH_SANDBOXED_THROUGHPUT=1 also in its bubblewrap sandbox, which is
//    slow on this graph by its shape: node i's input closure holds about i
//    outputs, each of which must appear in its sandbox (a copy or a bind
//    mount, as Nix's sandbox hard-links or bind-mounts each), so the work
//    grows with the square of the chain (about 11 minutes for 1,000 nodes on
//    2 busy cores).
// 0. Sandbox overhead, first: BENCH_SANDBOX_NODES (200) independent trivial
//    derivations built one at a time, in the sandbox and without; the
//    difference per build is what the sandbox's setup costs (goal: under 15 ms).
// 2. No-op: a graph built once by each side (untimed), then built again:
//    `kiln build` against `nix-build` (evaluation included, as for Kiln) and
//    against `nix-store --realise` of the .drv (the validity check alone).
//    Side by side with fewer nodes than Kiln's goal is stated for, because
//    Nix's first build of this graph slows down as the chain grows (about
//    55 s for 2,500 nodes; for 10,000, 6,500 nodes took 10 minutes and each
//    further build took longer); Kiln alone at 10,000.
//
// BENCH_NODES (1000), BENCH_NOOP_NODES (2500; 0 skips the no-op part), BENCH_KILN_NOOP_NODES (10000;
// 0 skips it) and BENCH_ROUNDS (3) resize it. This run's graphs are deleted
// from /nix/store afterwards (nothing else is: no garbage collection), and
// Kiln's temporary stores with them, not between rounds: deleting a store's
// thousands of files slows the file system's work for a while after, which
// fell on the rounds that followed (Kiln's grew from 2.2 to 3.1 s over five
// rounds when its store was deleted after each; with every deletion at the
// end, as Nix's paths always were, they stayed between 2.2 and 2.8 s).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { has, installPackedKiln, median, mib, ms } from "./common.js";
import { kilnBuild, kilnBuildFlat, kilnBuildWith, kilnBuildSandboxed, kilnBuildUntimed, kilnDrvPathInNixStore, nixBuild, nixBuildUntimed, nixDelete, nixInstantiate, nixRealise, stopUntimed } from "./realise/sides.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const runId = `${process.pid}-${Date.now()}`;
/** @type {import("./realise/sides.js").Graph} */
const throughputGraph = { nodes: Number(process.env.BENCH_NODES ?? 1000), fanout: 10, nonce: "" };
/** @type {import("./realise/sides.js").Graph} */
const noopGraph = { nodes: Number(process.env.BENCH_NOOP_NODES ?? 2500), fanout: 2, nonce: `${runId}-noop` };
/** @type {import("./realise/sides.js").Graph} */
const kilnNoopGraph = { nodes: Number(process.env.BENCH_KILN_NOOP_NODES ?? 10000), fanout: 2, nonce: `${runId}-noop-kiln` };
const withNix = has("nix-instantiate") && has("nix-store") && has("nix-build");
const withBwrap = has("bwrap");
const sandboxedThroughput = withBwrap && process.env.BENCH_SANDBOXED_THROUGHPUT === "1";
const sandboxNodes = Number(process.env.BENCH_SANDBOX_NODES ?? 200);
const root = mkdtempSync(join(tmpdir(), "kiln-bench-realise-"));
/** .drv paths whose graphs go from /nix/store at the end. */
const nixGraphs = [];

/** Removes a directory holding Kiln stores, whose canonical directories are read-only. */
function removeTree(directory) {
  spawnSync("chmod", ["-R", "u+w", directory], { stdio: "ignore" });
  rmSync(directory, { recursive: true, force: true });
}

/** A fresh store directory under the run's temporary root. */
function freshStoreDir(name) {
  const directory = join(root, name);
  mkdirSync(directory);
  return join(directory, "store");
}

/** Fails unless a build printed an output path that exists. */
function expectBuilt(side, stdout) {
  const path = stdout.trim().split("\n").pop() ?? "";
  if (!existsSync(path)) throw new Error(`${side} printed '${path}', which does not exist`);
}

function rate(nodes, milliseconds) {
  return `${(nodes / (milliseconds / 1000)).toFixed(0)} derivations/s`;
}

function roundsOf(values) {
  return `rounds [${values.map((value) => value.toFixed(0)).join(", ")}] ms`;
}

/**
 * Runs both sides of a round: Kiln first in even rounds, Nix first in odd ones. Each starts after `sync`, so
 * that neither pays for writing back what the side before it wrote or removed (both sides fsync their databases).
 */
function interleaved(round, kiln, nix) {
  const [first, second] = round % 2 === 0 ? [kiln, nix] : [nix, kiln];
  spawnSync("sync");
  first();
  spawnSync("sync");
  second();
}

function throughput() {
  const { nodes } = throughputGraph;
  console.log(`throughput: ${nodes} trivial derivations (node i needs i-1 and i/10), unsandboxed, 2 jobs, ${rounds} rounds, a fresh nonce each round`);
  const kiln = { times: [], peak: 0 };
  const sandboxed = { times: [], peak: 0 };
  const nix = { instantiate: [], realise: [], total: [], peak: 0 };
  for (let round = 0; round < rounds; round++) {
    const graph = { ...throughputGraph, nonce: `${runId}-${round}` };
    interleaved(
      round,
      () => {
        for (const [figures, build, label] of [[kiln, kilnBuild, ""], ...(sandboxedThroughput ? [[sandboxed, kilnBuildSandboxed, "-sandboxed"]] : [])]) {
          const storeDir = freshStoreDir(`throughput-${round}${label}`);
          const run = build(graph, storeDir);
          expectBuilt("kiln build", run.stdout);
          figures.times.push(run.ms);
          figures.peak = Math.max(figures.peak, run.stats?.maxRssBytes ?? 0);
        }
      },
      () => {
        if (!withNix) return;
        const instantiated = nixInstantiate(graph, root);
        const drvPath = instantiated.stdout.trim();
        nixGraphs.push(drvPath);
        if (round === 0) {
          const kilnDrvPath = kilnDrvPathInNixStore(graph);
          if (kilnDrvPath !== drvPath) throw new Error(`Kiln and Nix compute different graphs: ${kilnDrvPath} vs ${drvPath}`);
        }
        const realised = nixRealise(drvPath, root);
        expectBuilt("nix-store --realise", realised.stdout);
        nix.instantiate.push(instantiated.ms);
        nix.realise.push(realised.ms);
        nix.total.push(instantiated.ms + realised.ms);
        nix.peak = Math.max(nix.peak, instantiated.maxRssBytes ?? 0, realised.maxRssBytes ?? 0);
      },
    );
  }
  const kilnMedian = median(kiln.times);
  console.log(`  kiln build, whole process (load config, write .drvs, build, register):`);
  console.log(`    median ${ms(kilnMedian)}, ${rate(nodes, kilnMedian)}; ${roundsOf(kiln.times)}; peak memory ${mib(kiln.peak)}`);
  const sandboxedMedian = sandboxedThroughput ? median(sandboxed.times) : undefined;
  if (sandboxedMedian !== undefined) {
    console.log(`  kiln build --sandbox, whole process, every build in bubblewrap with its input closure:`);
    console.log(`    median ${ms(sandboxedMedian)}, ${rate(nodes, sandboxedMedian)}; ${roundsOf(sandboxed.times)}; peak memory ${mib(sandboxed.peak)}`);
  }
  if (!withNix) {
    console.log("  Nix is not installed: Kiln's figures only");
    return;
  }
  const realiseMedian = median(nix.realise);
  const totalMedian = median(nix.total);
  console.log(`  nix-store --realise, building only:`);
  console.log(`    median ${ms(realiseMedian)}, ${rate(nodes, realiseMedian)}; ${roundsOf(nix.realise)}`);
  console.log(`  nix-instantiate, evaluating and writing .drvs: median ${ms(median(nix.instantiate))}; ${roundsOf(nix.instantiate)}`);
  console.log(`  nix-instantiate + nix-store --realise, whole:`);
  console.log(`    median ${ms(totalMedian)}, ${rate(nodes, totalMedian)}; ${roundsOf(nix.total)}; peak memory ${mib(nix.peak)}`);
  console.log(`  Kiln's throughput / Nix's: ${(realiseMedian / kilnMedian).toFixed(2)}x against Nix's building alone, ${(totalMedian / kilnMedian).toFixed(2)}x against Nix's whole run (goal: 3x)`);
  if (sandboxedMedian !== undefined) {
    console.log(`  Kiln sandboxed / Nix unsandboxed: ${(realiseMedian / sandboxedMedian).toFixed(2)}x against Nix's building alone, ${(totalMedian / sandboxedMedian).toFixed(2)}x against Nix's whole run`);
  }
}

/**
 * The sandbox's cost per build: independent trivial derivations (no inputs)
 * built one at a time (-j 1) in the sandbox and without, a fresh graph and
 * store each time, the order alternating by round. Each round gives the
 * added time per build: (sandboxed − unsandboxed) / nodes.
 */
function sandboxOverhead() {
  if (!withBwrap) {
    console.log("sandbox overhead: bubblewrap (bwrap) is not installed; skipped");
    return;
  }
  console.log(`sandbox overhead: ${sandboxNodes} independent trivial derivations, one build at a time (-j 1), sandboxed and not, ${rounds} rounds`);
  const plain = [];
  const boxed = [];
  const added = [];
  for (let round = 0; round < rounds; round++) {
    const times = {};
    const side = (sandboxed) => () => {
      const storeDir = freshStoreDir(`overhead-${round}-${sandboxed ? "sandboxed" : "plain"}`);
      const run = kilnBuildFlat(sandboxNodes, `${runId}-overhead-${round}`, storeDir, sandboxed);
      if (run.stdout.trim().split("\n").length !== sandboxNodes) throw new Error(`kiln build printed ${run.stdout.trim().split("\n").length} outputs, not ${sandboxNodes}`);
      times[sandboxed ? "boxed" : "plain"] = run.ms;
    };
    interleaved(round, side(true), side(false));
    plain.push(times.plain);
    boxed.push(times.boxed);
    added.push((times.boxed - times.plain) / sandboxNodes);
  }
  console.log(`  kiln build --no-sandbox -j 1: median ${ms(median(plain))}, ${(median(plain) / sandboxNodes).toFixed(1)} ms per build; ${roundsOf(plain)}`);
  console.log(`  kiln build --sandbox -j 1:    median ${ms(median(boxed))}, ${(median(boxed) / sandboxNodes).toFixed(1)} ms per build; ${roundsOf(boxed)}`);
  console.log(`  added by the sandbox per build: median ${median(added).toFixed(1)} ms; rounds [${added.map((value) => value.toFixed(1)).join(", ")}] ms (goal: under 15 ms)`);
}

/**
 * The no-op graphs' first builds, all at once and untimed: Kiln's and Nix's
 * side-by-side graph, and Kiln's larger graph. Everything finishes before a
 * failure is reported, so no build is left running behind.
 */
async function firstBuilds(sideBySideStore, kilnAloneStore) {
  const builds = [
    kilnBuildUntimed(noopGraph, sideBySideStore),
    withNix ? nixBuildUntimed(noopGraph, (drvPath) => nixGraphs.push(drvPath)) : Promise.resolve(""),
    kilnNoopGraph.nodes > 0 ? kilnBuildUntimed(kilnNoopGraph, kilnAloneStore) : Promise.resolve(""),
  ];
  const results = await Promise.allSettled(builds);
  const failure = results.find((result) => result.status === "rejected");
  if (failure !== undefined) throw failure.reason;
  const [sideBySideOutput, nixDrvPath, kilnAloneOutput] = results.map((result) => result.value);
  return { sideBySideOutput, nixDrvPath, kilnAloneOutput };
}

/** Times `kiln build` of an already built graph (`build`: this checkout's by default); fails if it prints other outputs than the first build did. */
function kilnNoop(graph, storeDir, firstOutput, figures, build = kilnBuild) {
  const run = build(graph, storeDir);
  if (run.stdout !== firstOutput) throw new Error(`kiln build of ${graph.nodes} built derivations printed other outputs than the first build`);
  figures.times.push(run.ms);
  figures.peak = Math.max(figures.peak, run.stats?.maxRssBytes ?? 0);
}

async function noop() {
  console.log(`no-op: building an already built graph (node i needs i-1 and i/2) again; first builds untimed, then ${rounds} rounds`);
  const sideBySideStore = freshStoreDir("noop");
  const kilnAloneStore = freshStoreDir("noop-kiln");
  const started = performance.now();
  const first = await firstBuilds(sideBySideStore, kilnAloneStore);
  console.log(`  (first builds, all at once: ${((performance.now() - started) / 1000).toFixed(0)} s)`);

  // The installed kiln too, as a user runs it (the checkout's is unbundled ES modules); where NODE_EXTRA_CA_CERTS
  // is set, also with it unset (Node 20 parses those certificates at every start; the installed kiln defers them for a hit).
  const installed = installPackedKiln(join(root, "installed"));
  const installedSides = [{ label: "", env: {} }];
  if (process.env.NODE_EXTRA_CA_CERTS) {
    installedSides[0].label = ` (NODE_EXTRA_CA_CERTS as given)`;
    installedSides.push({ label: " (NODE_EXTRA_CA_CERTS unset)", env: { NODE_EXTRA_CA_CERTS: undefined } });
  }
  for (const side of installedSides) side.figures = { times: [], peak: 0 };
  // Untimed, as the checkout's first build was: its first run evaluates (its cache entry is its own).
  for (const side of installedSides) kilnNoop(noopGraph, sideBySideStore, first.sideBySideOutput, { times: [], peak: 0 }, (graph, storeDir) => kilnBuildWith(installed, graph, storeDir, side.env));
  const kiln = { times: [], peak: 0 };
  const kilnAlone = { times: [], peak: 0 };
  const nix = { build: [], realise: [], peak: 0 };
  for (let round = 0; round < rounds; round++) {
    interleaved(
      round,
      () => {
        kilnNoop(noopGraph, sideBySideStore, first.sideBySideOutput, kiln);
        for (const side of installedSides) kilnNoop(noopGraph, sideBySideStore, first.sideBySideOutput, side.figures, (graph, storeDir) => kilnBuildWith(installed, graph, storeDir, side.env));
      },
      () => {
        if (!withNix) return;
        const built = nixBuild(noopGraph, root);
        const realised = nixRealise(first.nixDrvPath, root);
        nix.build.push(built.ms);
        nix.realise.push(realised.ms);
        nix.peak = Math.max(nix.peak, built.maxRssBytes ?? 0, realised.maxRssBytes ?? 0);
      },
    );
    if (kilnNoopGraph.nodes > 0) kilnNoop(kilnNoopGraph, kilnAloneStore, first.kilnAloneOutput, kilnAlone);
  }

  const kilnMedian = median(kiln.times);
  const why = noopGraph.nodes < 10000 ? " (fewer than 10,000: Nix's first build of 10,000 takes about 20 minutes)" : "";
  console.log(`  ${noopGraph.nodes} derivations, side by side${why}:`);
  console.log(`    kiln build (checkout, by path), whole process (load config, compute .drvs, find all valid): median ${ms(kilnMedian)}; ${roundsOf(kiln.times)}; peak memory ${mib(kiln.peak)}`);
  if (withNix) {
    const buildMedian = median(nix.build);
    const realiseMedian = median(nix.realise);
    console.log(`    nix-build, whole process (evaluate, write .drvs, find all valid):      median ${ms(buildMedian)}; ${roundsOf(nix.build)}; peak memory ${mib(nix.peak)}`);
    console.log(`    nix-store --realise of the .drv (find all valid):                      median ${ms(realiseMedian)}; ${roundsOf(nix.realise)}`);
    console.log(`    Nix's time / Kiln's: ${(buildMedian / kilnMedian).toFixed(2)}x against nix-build, ${(realiseMedian / kilnMedian).toFixed(2)}x against nix-store --realise alone (goal: above 1x)`);
    for (const side of installedSides) {
      const installedMedian = median(side.figures.times);
      console.log(`    kiln build, installed${side.label}: median ${ms(installedMedian)}; ${roundsOf(side.figures.times)}; Nix's time / Kiln's: ${(buildMedian / installedMedian).toFixed(2)}x against nix-build`);
    }
  } else {
    console.log("    Nix is not installed: Kiln's figures only");
    for (const side of installedSides) console.log(`    kiln build, installed${side.label}: median ${ms(median(side.figures.times))}; ${roundsOf(side.figures.times)}`);
  }
  if (kilnNoopGraph.nodes > 0) {
    console.log(`  ${kilnNoopGraph.nodes} derivations, Kiln alone:`);
    console.log(`    kiln build, whole process: median ${ms(median(kilnAlone.times))}; ${roundsOf(kilnAlone.times)}; peak memory ${mib(kilnAlone.peak)} (goal: under 1 s)`);
  }
}

/** Deletes what this run made: its temporary stores, and its graphs in /nix/store. */
function cleanUp() {
  removeTree(root);
  if (!withNix || nixGraphs.length === 0) return;
  let deleted = 0;
  let kept = 0;
  for (const drvPath of nixGraphs.splice(0)) {
    const result = nixDelete(drvPath);
    deleted += result.deleted;
    kept += result.kept;
  }
  console.log(`deleted this run's ${deleted} paths from /nix/store${kept > 0 ? `; ${kept} stayed (still alive)` : ""}`);
}

// Interrupted (Ctrl-C, a timeout), the run still cleans up once the command in hand has stopped.
for (const [signal, number] of [["SIGINT", 2], ["SIGTERM", 15]]) {
  process.once(signal, async () => {
    console.log(`${signal}: stopping`);
    await stopUntimed();
    cleanUp();
    process.exit(128 + number);
  });
}

try {
  sandboxOverhead();
  throughput();
  if (noopGraph.nodes > 0) await noop();
} finally {
  cleanUp();
}
