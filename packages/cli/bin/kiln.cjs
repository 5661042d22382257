#!/usr/bin/env node
// The `kiln` command. CommonJS, so that what is answered at once (`kiln
// --version`, an unchanged config's `kiln build` from the evaluation cache in
// the installed CLI's one CommonJS file) starts without Node's ES module
// loader (a few ms of every start); everything else runs from Kiln's bundled script (bundled-kiln.cjs), or its ES modules.
"use strict";
const { existsSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

const argv = process.argv.slice(2);

/** What answers from the evaluation cache: the installed CLI's bundled CommonJS file, or in a checkout the ES module tsc built. */
function cacheHitModule() {
  const bundled = join(__dirname, "..", "dist", "cached-command.cjs");
  return existsSync(bundled) ? Promise.resolve(require(bundled)) : import("../dist/cached-command.js");
}

async function run() {
  // `kiln --version` loads nothing else: start-up is most of what it costs. The manifest is the one dist/version.js reads.
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "version")) {
    process.stdout.write(`kiln ${JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")).version}\n`);
    return;
  }
  // `pnpm kiln …` runs from the workspace root; paths on the command line are relative to where the user typed it.
  if (process.env.npm_lifecycle_event === "kiln" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

  // An unchanged config's `kiln build` or `kiln instantiate` is answered from the evaluation cache, loading little else.
  const cached = argv[0] === "build" || argv[0] === "instantiate" ? await (await cacheHitModule()).runFromEvaluationCache(argv) : undefined;
  if (cached !== undefined) {
    process.exitCode = cached;
  } else {
    // Kiln as one script compiled from V8's code cache where it is built (bundled-kiln.cjs), else its ES modules
    // (always under --show-trace, whose frames then name Kiln's own source files and lines).
    const bundled = argv.includes("--show-trace") ? undefined : require("./bundled-kiln.cjs").loadBundledKiln();
    const { main } = bundled !== undefined ? bundled.main() : await import("../dist/main.js");
    process.exitCode = await main(argv);
  }
}

/**
 * Output still queued for a pipe whose reader is slower than Kiln (`kiln eval --json | jq` of a large value) would be cut off by
 * process.exit(): wait until it is written (or the reader has gone away, which leaves nothing to report).
 */
function drained(stream) {
  return stream.writableLength === 0
    ? undefined
    : new Promise((resolve) => {
        stream.once("error", resolve);
        stream.write("", resolve);
      });
}

run().then(async () => {
  // Like NIX_SHOW_STATS: resource figures for benchmarks, on standard error as one JSON line.
  if (process.env.KILN_SHOW_STATS === "1") {
    const usage = process.resourceUsage();
    process.stderr.write(
      `${JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, userCpuMs: usage.userCPUTime / 1000, systemCpuMs: usage.systemCPUTime / 1000 })}\n`,
    );
  }
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  // The command is over: a timer or interval the config left behind must neither keep Kiln running nor crash it later.
  process.exit();
});
