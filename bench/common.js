// Shared by the benchmarks: run whole processes, time them, read Kiln's stats.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));

/**
 * The kiln CLI of this checkout: `bin/kiln.cjs`, the file the installed `kiln` command is (its shell part
 * runs `node` on it, as the benches do), not `bin/kiln.js`, which loads it through Node's ES module loader.
 */
export const KILN = fileURLToPath(new URL("../packages/cli/bin/kiln.cjs", import.meta.url));

/** Whether a command exists. */
export function has(command) {
  return spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Runs a command to completion and returns its wall time in ms, stdout and,
 * for Kiln (KILN_SHOW_STATS=1), its peak memory. Fails loudly on a non-zero exit.
 */
export function timed(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 28, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  }
  let stats;
  for (const line of result.stderr.split("\n")) {
    if (line.startsWith('{"maxRssBytes"')) stats = JSON.parse(line);
  }
  return { ms, stdout: result.stdout, stats };
}

/** A command's peak memory in bytes, from getrusage of a child (nix-instantiate has no such figure of its own); undefined if it cannot be run. */
export function peakBytes(command, args, env) {
  const script = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True, check=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
  const run = spawnSync("python3", ["-c", script, command, ...args], { encoding: "utf8", env });
  return run.status === 0 ? Number(run.stdout.trim()) * 1024 : undefined;
}

/** The median of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Formats milliseconds. */
export function ms(value) {
  return `${value.toFixed(0)} ms`;
}

/** Formats bytes as MiB. */
export function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/**
 * The line that sets a goal against the floor: the median time of a minimal
 * Node program (bench/floor/) computing the same paths with nothing else, and,
 * given the time Kiln would need for the goal, whether any Node program can.
 */
export function floorLine(floorMs, neededMs, goal) {
  const what = `floor (bench/floor/: a minimal Node program giving the same paths, no checks, no string context, no package set): median ${ms(floorMs)}`;
  if (neededMs === undefined) return what;
  const verdict = floorMs > neededMs ? "more than that: even this program misses the goal" : `less than that, by ${ms(neededMs - floorMs)}`;
  return `${what}\nfor ${goal}x, Kiln would need ${ms(neededMs)}; the floor takes ${ms(floorMs)}, ${verdict}`;
}

/** Packs the CLI (`pnpm run pack-cli`) and installs it with npm into a prefix under `root`, as a user installs it; returns its `kiln`. */
export function installPackedKiln(root) {
  const prebuilds = join(root, "prebuilds");
  const packed = spawnSync(process.execPath, [join(repo, "scripts", "pack-cli.js"), "--out", join(root, "pack"), "--prebuilds", prebuilds], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (packed.status !== 0) throw new Error("pnpm run pack-cli failed");
  const prefix = join(root, "prefix");
  const install = spawnSync("npm", ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", packed.stdout.trim()], {
    encoding: "utf8",
    env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: prebuilds },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (install.status !== 0) throw new Error("npm install of the packed CLI failed");
  return join(prefix, "bin", "kiln");
}

/**
 * Runs a command once, its output discarded, and returns its wall time and
 * its CPU time (user + system, of it and its children, from the shell's
 * `time`), in ms. CPU time is what other work on a shared machine inflates
 * least. Fails loudly on a non-zero exit.
 */
export function timedWithCpu(command, args, options = {}) {
  const script = 'TIMEFORMAT="%3U %3S"; { time "$@" >/dev/null 2>&1; } 2>&1';
  const start = process.hrtime.bigint();
  const result = spawnSync("bash", ["-c", script, "bash", command, ...args], { encoding: "utf8", ...options });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status})`);
  const [user, system] = result.stdout.trim().split(/\s+/).map(Number);
  return { wallMs, cpuMs: (user + system) * 1000 };
}

/** Times each side (`{ name, command, args, options }`) once per round, interleaving the sides (the order alternating); returns each side's median wall and CPU time. */
export function sideBySide(sides, rounds) {
  const times = sides.map(() => ({ wall: [], cpu: [] }));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides.map((_, index) => index) : sides.map((_, index) => sides.length - 1 - index);
    for (const index of order) {
      const { wallMs, cpuMs } = timedWithCpu(sides[index].command, sides[index].args, sides[index].options ?? {});
      times[index].wall.push(wallMs);
      times[index].cpu.push(cpuMs);
    }
  }
  return times.map(({ wall, cpu }) => ({ wall: median(wall), cpu: median(cpu) }));
}

/** Prints each side's median wall and CPU time and the first side's ratios to each other side, and the goal against the second side. */
export function reportSides(label, sides, medians, goal) {
  console.log(`${label} (wall time; CPU time, user + system)`);
  sides.forEach((side, index) => {
    const { wall, cpu } = medians[index];
    const ratios = index === 0 ? "" : `   kiln/this ${(medians[0].wall / wall).toFixed(2)}x (CPU ${(medians[0].cpu / cpu).toFixed(2)}x)`;
    console.log(`  ${side.name.padEnd(36)} ${ms(wall).padStart(8)}; ${ms(cpu).padStart(8)}${ratios}`);
  });
  console.log(`  goal: kiln within ${goal}x of ${sides[1].name}`);
}
