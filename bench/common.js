// Shared by the benchmarks: run whole processes, time them, read Kiln's stats.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

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
