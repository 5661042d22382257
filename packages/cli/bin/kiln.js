#!/usr/bin/env node
const argv = process.argv.slice(2);

// `kiln --version` loads nothing else: start-up is most of what it costs.
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "version")) {
  const { KILN_VERSION } = await import("../dist/version.js");
  process.stdout.write(`kiln ${KILN_VERSION}\n`);
} else {
  // `pnpm kiln …` runs from the workspace root; paths on the command line are relative to where the user typed it.
  if (process.env.npm_lifecycle_event === "kiln" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

  // An unchanged config's `kiln build` or `kiln instantiate` is answered from the evaluation cache, loading little else.
  const cached = argv[0] === "build" || argv[0] === "instantiate" ? await (await import("../dist/cached-command.js")).runFromEvaluationCache(argv) : undefined;
  if (cached !== undefined) {
    process.exitCode = cached;
  } else {
    const { main } = await import("../dist/main.js");
    process.exitCode = await main(argv);
  }
}

// Like NIX_SHOW_STATS: resource figures for benchmarks, on standard error as one JSON line.
if (process.env.KILN_SHOW_STATS === "1") {
  const usage = process.resourceUsage();
  process.stderr.write(
    `${JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, userCpuMs: usage.userCPUTime / 1000, systemCpuMs: usage.systemCPUTime / 1000 })}\n`,
  );
}

// Output still queued for a pipe (large outputs, a reader slower than Kiln) is written before exiting: process.exit() would drop it.
for (const stream of [process.stdout, process.stderr]) {
  if (stream.writableLength > 0) await new Promise((resolve) => stream.write("", resolve));
}

// The command is over: a timer or interval the config left behind must neither keep Kiln running nor crash it later.
process.exit();
