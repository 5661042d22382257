#!/bin/sh
":" /*
# Run as a program, this file is first read by the shell (to JavaScript, all of
# this is one comment). Node 20 reads and parses every certificate that
# NODE_EXTRA_CA_CERTS names while it starts, before any script runs (~35 ms
# for a system bundle), and no script can put that off. A command answered
# from the evaluation cache or `kiln --version` downloads nothing, so when the
# variable is set they are first tried by a Node started without it (its
# value handed over in KILN_DEFERRED_EXTRA_CA_CERTS, so the command sees the
# environment as given); anything else (exit status 75, nothing done), and
# every other command, runs as ever, in a Node started with the environment
# exactly as given.
case "${NODE_EXTRA_CA_CERTS:+set} $1" in
  "set build" | "set instantiate" | "set --version" | "set version")
    (
      KILN_DEFERRED_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS
      export KILN_DEFERRED_EXTRA_CA_CERTS
      unset NODE_EXTRA_CA_CERTS
      exec node "$0" "$@"
    )
    status=$?
    [ "$status" -eq 75 ] || exit "$status"
    ;;
esac
unset KILN_DEFERRED_EXTRA_CA_CERTS
exec node "$0" "$@"
*/
// The `kiln` command. CommonJS, so that what is answered at once (`kiln
// --version`, an unchanged config's `kiln build` from the evaluation cache in
// the installed CLI's one CommonJS file) starts without Node's ES module
// loader (a few ms of every start); everything else runs from Kiln's bundled script (bundled-kiln.cjs), or its ES modules.
"use strict";
const { existsSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

const argv = process.argv.slice(2);

/** Set by the shell part above: this Node runs without the extra certificates, and may only answer what needs none. */
const deferredCaCerts = process.env.KILN_DEFERRED_EXTRA_CA_CERTS;
/** The exit status that sends the command back to the shell part, to run with the extra certificates. */
const NEEDS_EXTRA_CA_CERTS = 75;
if (deferredCaCerts !== undefined) {
  delete process.env.KILN_DEFERRED_EXTRA_CA_CERTS;
  // What the command reads of its environment is what the user gave.
  process.env.NODE_EXTRA_CA_CERTS = deferredCaCerts;
}

/** What answers from the evaluation cache: the installed CLI's bundled CommonJS file, or in a checkout the ES module tsc built. */
function cacheHitModule() {
  const bundled = join(__dirname, "..", "dist", "cached-command.cjs");
  return existsSync(bundled) ? Promise.resolve(require(bundled)) : import("../dist/cached-command.js");
}

/** Node's modules that Kiln's bundle and a config's evaluation load (found with `process.moduleLoadList`). */
const NODE_MODULES_OF_THE_BUNDLE = ["node:crypto", "node:module", "node:os", "node:vm", "node:util", "node:fs/promises", "node:timers/promises", "node:worker_threads", "node:child_process", "node:zlib", "node:perf_hooks"];

/**
 * V8 doubles its young generation (up to two 16 MiB semi-spaces) whenever much of it survives a scavenge, as a config's
 * evaluation does: what it builds (option trees, definitions, derivations) lives to the end. Copying survivors costs the
 * same in a small young generation, so growing it buys no time here, only 30 to 40 MiB of peak memory: it is kept at its
 * first size. Its scavenges are then many (about 350 for 4,000 modules) and small, too small to share among threads:
 * done on one thread, they take the time of the larger young generation's few (`--no-parallel-scavenge`).
 * Starting another isolate (a worker thread) raises the growth factor back to 2, so the flags are left under
 * `Symbol.for("kiln.v8Flags")` for whoever starts one to set again (the evaluation watchdog's thread, `@kiln/config`'s `process-v8-flags.ts`).
 */
function keepYoungGenerationSmall() {
  // V8 takes a code cache only under the flags it was made with, and Node's modules carry one made under V8's defaults:
  // once the flags are set, each Node module loaded compiles from source, three times the CPU. Those that every command
  // of the bundle loads are loaded first (about 25 ms of CPU saved; a module missing here is only slower to load).
  for (const name of NODE_MODULES_OF_THE_BUNDLE) require(name);
  const flags = ["--semi-space-growth-factor=1", "--no-parallel-scavenge"];
  for (const flag of flags) require("node:v8").setFlagsFromString(flag);
  globalThis[Symbol.for("kiln.v8Flags")] = flags;
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
  // With the cache off (KILN_EVAL_CACHE=0, the rule of `evaluationCacheEnabled`) there is nothing to answer from: the
  // modules that would look are not loaded at all (in a checkout, tens of ES modules: ~60 ms of CPU).
  const cacheOn = process.env.KILN_EVAL_CACHE !== "0";
  const cached = cacheOn && (argv[0] === "build" || argv[0] === "instantiate") ? await (await cacheHitModule()).runFromEvaluationCache(argv) : undefined;
  if (cached !== undefined) {
    process.exitCode = cached;
  } else if (deferredCaCerts !== undefined) {
    process.exitCode = NEEDS_EXTRA_CA_CERTS;
  } else {
    // Not for an answer from the evaluation cache, which allocates little: setting flags costs it a millisecond or more.
    keepYoungGenerationSmall();
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
  if (process.env.KILN_SHOW_STATS === "1" && process.exitCode !== NEEDS_EXTRA_CA_CERTS) {
    const usage = process.resourceUsage();
    process.stderr.write(
      `${JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, userCpuMs: usage.userCPUTime / 1000, systemCpuMs: usage.systemCPUTime / 1000 })}\n`,
    );
  }
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  // The command is over: a timer or interval the config left behind must neither keep Kiln running nor crash it later.
  process.exit();
});
