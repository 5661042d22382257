// `pnpm bench pkgs`: a package set of BENCH_PACKAGES (2,000) generated
// packages (package i depends on packages i-1 and i/2 through the set) with
// three overlays, the top BENCH_SELECTED (95) and 5 bundles instantiated
// (the issue's large case: BENCH_PACKAGES=20000 BENCH_SELECTED=995): `kiln instantiate` of
// bench/pkgs/kiln.ts (makePkgs, extend, callPackage, override,
// overrideAttrs) against `nix-instantiate --readonly-mode` of
// bench/pkgs/pkgs.nix (the same set with `fix` and `extends`), as whole
// processes, side by side. Both must print the same .drv paths. Neither
// writes .drv files. BENCH_ROUNDS changes the number of timed rounds. Beside
// them runs bench/floor/pkgs.js, the least a Node program can do for the same
// paths (the set with its overlays applied by hand, each package made once).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { KILN, floorLine, has, median, mib, ms, peakBytes, timed } from "./common.js";

const packages = Number(process.env.BENCH_PACKAGES ?? 2000);
const selectedCount = Number(process.env.BENCH_SELECTED ?? 95);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const kilnConfig = fileURLToPath(new URL("./pkgs/kiln.ts", import.meta.url));
const phasesScript = fileURLToPath(new URL("./pkgs/phases.js", import.meta.url));
const nixFile = fileURLToPath(new URL("./pkgs/pkgs.nix", import.meta.url));
const floorScript = fileURLToPath(new URL("./floor/pkgs.js", import.meta.url));
// The evaluation cache is off: this measures evaluating.
const env = { ...process.env, BENCH_PACKAGES: String(packages), BENCH_SELECTED: String(selectedCount), KILN_SHOW_STATS: "1", NIX_REMOTE: "", KILN_EVAL_CACHE: "0" };
const kilnArgs = [KILN, "instantiate", kilnConfig, "--store-dir", "/nix/store", "--read-only"];
const nixArgs = ["--readonly-mode", "--arg", "n", String(packages), "--arg", "selected", String(selectedCount), nixFile];
const overflowed = (stderr) => /stack overflow/.test(stderr);

/**
 * Each package reads the one before it while it is evaluated, so the chain
 * recurses 2,000 deep, in Kiln as in Nix. Kiln runs as a plain `node`
 * process (its package sets evaluate to any depth); Nix's stack limit is
 * raised with `ulimit -s` if its plain command overflows, which costs no time.
 */
function checkKiln() {
  const plain = spawnSync(process.execPath, kilnArgs, { encoding: "utf8", env, maxBuffer: 1 << 28 });
  if (plain.status !== 0) throw new Error(`kiln instantiate failed:\n${plain.stderr}`);
}

/** As in instantiate.js: Nix's stack limit is raised only if the plain command overflows. */
function nixCommand() {
  const plain = spawnSync("nix-instantiate", nixArgs, { encoding: "utf8", env, maxBuffer: 1 << 28 });
  if (plain.status === 0) return { command: "nix-instantiate", args: nixArgs, note: "" };
  if (!overflowed(plain.stderr)) throw new Error(`nix-instantiate failed:\n${plain.stderr}`);
  const script = 'ulimit -s unlimited 2>/dev/null || ulimit -s 1048576; exec nix-instantiate "$@"';
  return { command: "bash", args: ["-c", script, "bash", ...nixArgs], note: " (stack limit raised with ulimit -s: the plain command overflowed)" };
}

const paths = (stdout) => stdout.trim().split("\n").sort();
checkKiln();
const kiln = () => timed(process.execPath, kilnArgs, { env });
const phases = () => JSON.parse(timed(process.execPath, [phasesScript, kilnConfig], { env }).stdout);
const withNix = has("nix-instantiate");
const nixRun = withNix ? nixCommand() : undefined;
const nix = () => timed(nixRun.command, nixRun.args, { env });
const floor = () => timed(process.execPath, [floorScript, String(packages), String(selectedCount)], { env });

// Warm-up, and a check that both compute the same derivations.
const kilnPaths = paths(kiln().stdout);
const expected = Math.min(selectedCount, packages) + 5;
if (kilnPaths.length !== expected) throw new Error(`Kiln instantiated ${kilnPaths.length} derivations, not ${expected}`);
if (paths(floor().stdout).join("\n") !== kilnPaths.join("\n")) throw new Error("Kiln and the floor program (bench/floor/pkgs.js) disagree on the .drv paths");
if (withNix) {
  const nixPaths = paths(nix().stdout);
  const differing = kilnPaths.filter((path, index) => path !== nixPaths[index]);
  if (nixPaths.length !== kilnPaths.length || differing.length > 0) {
    throw new Error(`Kiln and Nix disagree on ${differing.length || "the number of"} derivations, e.g. Kiln's ${differing[0] ?? kilnPaths.length} (Nix: ${nixPaths.length} paths)`);
  }
}
console.log(`package set: ${packages} packages, 3 overlays, ${expected} instantiated${withNix ? " (the same .drv paths in Kiln and Nix)" : ""}`);

const kilnTimes = [];
const nixTimes = [];
const nodeTimes = [];
const floorTimes = [];
const phaseRuns = [];
let peak = 0;
for (let round = 0; round < rounds; round++) {
  const run = kiln();
  kilnTimes.push(run.ms);
  peak = Math.max(peak, run.stats?.maxRssBytes ?? 0);
  if (withNix) nixTimes.push(nix().ms);
  phaseRuns.push(phases());
  // What any Node program pays first: starting Node and exiting at once.
  nodeTimes.push(timed(process.execPath, ["-e", "0"]).ms);
  floorTimes.push(floor().ms);
}
const phase = (name) => ms(median(phaseRuns.map((run) => run[name])));
console.log(`kiln instantiate:            median ${ms(median(kilnTimes))} over ${rounds} runs (${kilnTimes.map(ms).join(", ")}); peak memory ${mib(peak)}`);
console.log(
  `  in one process (medians):  Node's startup ${phase("startupMs")}, loading Kiln's modules ${phase("modulesMs")}, ` +
    `loading the config (its cached bundle, @kiln/pkgs) ${phase("configMs")}, evaluating it (fixpoint, callPackage, hashing) ${phase("evaluationMs")}`,
);
if (withNix) {
  const nixPeak = peakBytes(nixRun.command, nixRun.args, env);
  console.log(`nix-instantiate --readonly:  median ${ms(median(nixTimes))} over ${rounds} runs (${nixTimes.map(ms).join(", ")})${nixPeak === undefined ? "" : `; peak memory ${mib(nixPeak)}`}${nixRun.note}`);
  const ratio = median(nixTimes) / median(kilnTimes);
  // The issue's goals: at least 1x Nix for the 2,000-package set, 1.5x for 20,000 packages (where evaluating, not start-up, dominates).
  const goal = packages >= 20000 ? 1.5 : 1;
  console.log(`ratio (Nix time / Kiln time): ${ratio.toFixed(2)}x ${ratio >= goal ? `(goal of ${goal}x met)` : `(goal: ${goal}x, not met)`}`);
  // What the goal would take, against what Node alone costs on this machine.
  const nodeStart = median(nodeTimes);
  console.log(`for ${goal}x, Kiln would need ${ms(median(nixTimes) / goal)}; \`node -e 0\` alone takes ${ms(nodeStart)} here (median), ${nodeStart > median(nixTimes) / goal ? "more than that" : "less than that"}`);
  console.log(floorLine(median(floorTimes), median(nixTimes) / goal, goal));
} else {
  console.log("nix-instantiate not found: Kiln's figures only");
  console.log(floorLine(median(floorTimes)));
}
