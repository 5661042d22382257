// `pnpm bench instantiate`: a 10,000-derivation graph instantiated by
// `kiln instantiate` and by `nix-instantiate --readonly-mode`, as whole
// processes, side by side. Neither writes .drv files.
import { fileURLToPath } from "node:url";
import { KILN, has, median, mib, ms, timed } from "./common.js";

const nodes = Number(process.env.BENCH_NODES ?? 10000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const kilnConfig = fileURLToPath(new URL("./instantiate/kiln.ts", import.meta.url));
const nixFile = fileURLToPath(new URL("./instantiate/graph.nix", import.meta.url));
const env = { ...process.env, BENCH_NODES: String(nodes), KILN_SHOW_STATS: "1", NIX_REMOTE: "" };

const kiln = () => timed(process.execPath, [KILN, "instantiate", kilnConfig, "--store-dir", "/nix/store", "--read-only"], { env });
const nix = () => timed("nix-instantiate", ["--readonly-mode", "--arg", "n", String(nodes), nixFile], { env });
const withNix = has("nix-instantiate");

// Warm-up, and a check that both compute the same graph.
const kilnPath = kiln().stdout.trim();
if (withNix) {
  const nixPath = nix().stdout.trim();
  if (nixPath !== kilnPath) throw new Error(`Kiln and Nix disagree on the last node: ${kilnPath} vs ${nixPath}`);
}
console.log(`graph: ${nodes} derivations, last ${kilnPath}${withNix ? " (same in Kiln and Nix)" : ""}`);

const kilnTimes = [];
const nixTimes = [];
let peak = 0;
for (let round = 0; round < rounds; round++) {
  const run = kiln();
  kilnTimes.push(run.ms);
  peak = Math.max(peak, run.stats?.maxRssBytes ?? 0);
  if (withNix) nixTimes.push(nix().ms);
}
console.log(`kiln instantiate:            median ${ms(median(kilnTimes))} over ${rounds} runs; peak memory ${mib(peak)}`);
if (withNix) {
  console.log(`nix-instantiate --readonly:  median ${ms(median(nixTimes))} over ${rounds} runs`);
  const ratio = median(nixTimes) / median(kilnTimes);
  console.log(`ratio (Nix time / Kiln time): ${ratio.toFixed(2)}x ${ratio >= 2 ? "(goal of 2x met)" : "(goal: 2x)"}`);
} else {
  console.log("nix-instantiate not found: Kiln's figures only");
}
