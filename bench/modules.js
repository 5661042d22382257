// `pnpm bench modules`: BENCH_MODULES (2,000) modules declaring 10 options
// each (20,000 options) and as many making 25 definitions each (50,000:
// mkIf, mkDefault, mkForce, mkOverride, mkMerge, lists, attrsOf, attrsOf
// submodule), every option read. Kiln evaluates bench/modules/kiln.ts with
// `kiln eval --json`; Nix evaluates the same configuration written in Nix
// (bench/modules/config.nix) with nixpkgs' lib, from NIXPKGS_LIB (a checkout
// of nixpkgs or of nix-community/nixpkgs.lib, the folder holding `lib/`).
// Both print the merged values as JSON, which must be equal. Peak memory is
// each process's maximum resident set size.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KILN, has, median, mib, ms } from "./common.js";

const modules = Number(process.env.BENCH_MODULES ?? 2000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const kilnConfig = fileURLToPath(new URL("./modules/kiln.ts", import.meta.url));
const nixConfig = fileURLToPath(new URL("./modules/config.nix", import.meta.url));
const nixpkgsLib = process.env.NIXPKGS_LIB;
const env = { ...process.env, BENCH_MODULES: String(modules), NIX_REMOTE: "" };

/** Runs a command under python3 to learn its peak memory (getrusage of children); returns time, stdout and peak. */
function measured(command, args) {
  const script = [
    "import json, resource, subprocess, sys, time",
    "start = time.monotonic()",
    "result = subprocess.run(sys.argv[1:], capture_output=True)",
    "elapsed = (time.monotonic() - start) * 1000",
    "sys.stdout.buffer.write(result.stdout)",
    "sys.stderr.write(result.stderr.decode(errors='replace'))",
    "sys.stderr.write('\\n' + json.dumps({'ms': elapsed, 'maxRssKiB': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, 'status': result.returncode}) + '\\n')",
  ].join("\n");
  const run = spawnSync("python3", ["-c", script, command, ...args], { encoding: "utf8", env, maxBuffer: 1 << 30 });
  const stats = JSON.parse(run.stderr.trim().split("\n").at(-1));
  if (stats.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${run.stderr}`);
  return { ms: stats.ms, stdout: run.stdout, peak: stats.maxRssKiB * 1024 };
}

const kiln = () => measured(process.execPath, [KILN, "eval", kilnConfig, "--json"]);
const withNix = nixpkgsLib !== undefined && existsSync(join(nixpkgsLib, "lib", "default.nix")) && has("nix-instantiate");
const nix = () =>
  measured("nix-instantiate", ["--eval", "--strict", "--read-write-mode", "--option", "substituters", "", "--expr", `import ${nixConfig} { lib = import ${join(nixpkgsLib, "lib")}; n = ${modules}; }`]);

// Warm-up, and a check that both merge to the same values.
const kilnValues = JSON.parse(kiln().stdout);
if (withNix) {
  const nixValues = JSON.parse(JSON.parse(nix().stdout));
  if (JSON.stringify(sortKeys(nixValues)) !== JSON.stringify(sortKeys(kilnValues))) throw new Error("Kiln and Nix merged the configuration differently");
}
console.log(`configuration: ${modules * 2} modules, ${modules * 10} options, ${modules * 25} definitions${withNix ? " (Kiln and Nix agree on every value)" : ""}`);

const kilnRuns = [];
const nixRuns = [];
for (let round = 0; round < rounds; round++) {
  kilnRuns.push(kiln());
  if (withNix) nixRuns.push(nix());
}
const summary = (runs) => `median ${ms(median(runs.map((run) => run.ms)))} over ${runs.length} runs (${runs.map((run) => ms(run.ms)).join(", ")}); peak memory ${mib(Math.max(...runs.map((run) => run.peak)))}`;
console.log(`kiln eval:                 ${summary(kilnRuns)}`);
if (withNix) {
  console.log(`nix-instantiate --strict:  ${summary(nixRuns)}`);
  const speed = median(nixRuns.map((run) => run.ms)) / median(kilnRuns.map((run) => run.ms));
  const memory = Math.max(...kilnRuns.map((run) => run.peak)) / Math.max(...nixRuns.map((run) => run.peak));
  console.log(`ratio (Nix time / Kiln time): ${speed.toFixed(2)}x ${speed >= 2 ? "(goal of 2x met)" : "(goal: 2x, not met)"}`);
  console.log(`memory (Kiln peak / Nix peak): ${memory.toFixed(2)} ${memory <= 1 / 3 ? "(goal of at most 1/3 met)" : "(goal: at most 1/3, not met)"}`);
} else {
  console.log("NIXPKGS_LIB not set (or nix-instantiate missing): Kiln's figures only");
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
}
