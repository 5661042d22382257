// Shared by the benchmarks: run whole processes, time them, read Kiln's stats.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));

/** The kiln CLI of this checkout. */
export const KILN = fileURLToPath(new URL("../packages/cli/bin/kiln.js", import.meta.url));

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

/** Times each side (`{ name, command, args, options }`) once per round, interleaving the sides (the order alternating); returns each side's median. */
export function sideBySide(sides, rounds) {
  const times = sides.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides.map((_, index) => index) : sides.map((_, index) => sides.length - 1 - index);
    for (const index of order) times[index].push(timed(sides[index].command, sides[index].args, sides[index].options ?? {}).ms);
  }
  return times.map(median);
}

/** Prints each side's median and the first side's ratio to each other side, and the goal against the second side. */
export function reportSides(label, sides, medians, goal) {
  console.log(label);
  sides.forEach((side, index) => console.log(`  ${side.name.padEnd(34)} ${ms(medians[index]).padStart(8)}${index === 0 ? "" : `   kiln/this ${(medians[0] / medians[index]).toFixed(2)}x`}`));
  console.log(`  goal: kiln within ${goal}x of ${sides[1].name}`);
}
