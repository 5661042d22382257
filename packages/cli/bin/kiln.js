#!/usr/bin/env node
import { main } from "../dist/main.js";

// `pnpm kiln …` runs from the workspace root; paths on the command line are relative to where the user typed it.
if (process.env.npm_lifecycle_event === "kiln" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

process.exitCode = await main(process.argv.slice(2));

// Like NIX_SHOW_STATS: resource figures for benchmarks, on standard error as one JSON line.
if (process.env.KILN_SHOW_STATS === "1") {
  const usage = process.resourceUsage();
  process.stderr.write(
    `${JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, userCpuMs: usage.userCPUTime / 1000, systemCpuMs: usage.systemCPUTime / 1000 })}\n`,
  );
}

// The command is over: a timer or interval the config left behind must neither keep Kiln running nor crash it later.
process.exit();
