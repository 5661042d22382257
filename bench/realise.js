// `pnpm bench realise`: building a graph of trivial derivations with Kiln's
// local realiser and with Nix (`nix-build`), both unsandboxed, side by side;
// then the no-op: realising an already built graph again.
//
// Both timings are whole processes: evaluation, planning and building.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KILN, has, median, mib, ms, timed } from "./common.js";

const throughputNodes = Number(process.env.BENCH_NODES ?? 1000);
const noopNodes = Number(process.env.BENCH_NOOP_NODES ?? 10000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const kilnConfig = fileURLToPath(new URL("./realise/kiln.ts", import.meta.url));
const nixFile = fileURLToPath(new URL("./realise/graph.nix", import.meta.url));
const withNix = has("nix-build");
const runId = `${process.pid}-${Date.now()}`;
const root = mkdtempSync(join(tmpdir(), "kiln-bench-realise-"));
const nixOptions = ["--option", "sandbox", "false", "--option", "substituters", "", "--max-jobs", "2", "--no-out-link"];

function kilnBuild(nodes, nonce, store) {
  const env = { ...process.env, BENCH_NODES: String(nodes), BENCH_NONCE: nonce, KILN_SHOW_STATS: "1", KILN_STORE_DIR: join(store, "store") };
  return timed(process.execPath, [KILN, "build", kilnConfig, "--no-sandbox", "-j", "2", "--no-link"], { env });
}

function nixBuild(nodes, nonce) {
  const env = { ...process.env, NIX_REMOTE: "" };
  return timed("nix-build", [nixFile, "--arg", "n", String(nodes), "--argstr", "nonce", nonce, ...nixOptions], { env });
}

try {
  console.log(`throughput: ${throughputNodes} trivial derivations (a chain with fan-out), unsandboxed, -j 2, ${rounds} rounds`);
  const kilnTimes = [];
  const nixTimes = [];
  let peak = 0;
  for (let round = 0; round < rounds; round++) {
    const nonce = `${runId}-${round}`;
    const kiln = kilnBuild(throughputNodes, nonce, join(root, `round-${round}`));
    kilnTimes.push(kiln.ms);
    peak = Math.max(peak, kiln.stats?.maxRssBytes ?? 0);
    if (withNix) {
      const nix = nixBuild(throughputNodes, nonce);
      nixTimes.push(nix.ms);
    }
  }
  const kilnRate = throughputNodes / (median(kilnTimes) / 1000);
  console.log(`  kiln build:  median ${ms(median(kilnTimes))} (${kilnRate.toFixed(0)} derivations/s); peak memory ${mib(peak)}`);
  if (withNix) {
    const nixRate = throughputNodes / (median(nixTimes) / 1000);
    console.log(`  nix-build:   median ${ms(median(nixTimes))} (${nixRate.toFixed(0)} derivations/s)`);
    console.log(`  throughput ratio (Kiln / Nix): ${(kilnRate / nixRate).toFixed(2)}x (goal: 3x)`);
  }

  console.log(`no-op: realising an already built graph of ${noopNodes} derivations again (the first build is not timed)`);
  const noopStore = join(root, "noop");
  const nonce = `${runId}-noop`;
  kilnBuild(noopNodes, nonce, noopStore);
  if (withNix) nixBuild(noopNodes, nonce);
  const kilnNoop = [];
  const nixNoop = [];
  let noopPeak = 0;
  for (let round = 0; round < rounds; round++) {
    const run = kilnBuild(noopNodes, nonce, noopStore);
    kilnNoop.push(run.ms);
    noopPeak = Math.max(noopPeak, run.stats?.maxRssBytes ?? 0);
    if (withNix) nixNoop.push(nixBuild(noopNodes, nonce).ms);
  }
  console.log(`  kiln build:  median ${ms(median(kilnNoop))}; peak memory ${mib(noopPeak)} (goal: under 1 s)`);
  if (withNix) {
    console.log(`  nix-build:   median ${ms(median(nixNoop))}`);
    console.log(`  ratio (Nix time / Kiln time): ${(median(nixNoop) / median(kilnNoop)).toFixed(2)}x (goal: above 1x)`);
  } else {
    console.log("nix-build not found: Kiln's figures only");
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
