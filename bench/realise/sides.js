// The two sides of the realise benchmark as whole processes: `kiln build` into a
// local store, and Nix (nix-instantiate, nix-store --realise, nix-build) into
// the real /nix/store. Both build unsandboxed with two jobs at once.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KILN, timed } from "../common.js";

/** The graph as a Kiln config (sized by BENCH_NODES, BENCH_FANOUT, BENCH_NONCE). */
export const KILN_CONFIG = fileURLToPath(new URL("./kiln.ts", import.meta.url));

/** The same graph as a Nix expression (sized by the arguments n, fanout, nonce). */
export const NIX_FILE = fileURLToPath(new URL("./graph.nix", import.meta.url));

/** The sandbox-overhead graph: independent trivial derivations (sized by BENCH_NODES, BENCH_NONCE). */
export const KILN_FLAT_CONFIG = fileURLToPath(new URL("./flat.ts", import.meta.url));

const JOBS = "2";
const KILN_BUILD_ARGUMENTS = [KILN, "build", KILN_CONFIG, "--no-sandbox", "-j", JOBS, "--no-link"];
const KILN_SANDBOXED_BUILD_ARGUMENTS = [KILN, "build", KILN_CONFIG, "--sandbox", "-j", JOBS, "--no-link"];
const NIX_ENV = { ...process.env, NIX_REMOTE: "" };
/** Nix's build options here: unsandboxed, no substituters, two jobs. */
export const NIX_BUILD_OPTIONS = ["--option", "sandbox", "false", "--option", "build-users-group", "", "--option", "substituters", "", "--max-jobs", JOBS];
const GNU_TIME = "/usr/bin/time";

/**
 * A graph of the benchmark: how many nodes, the fan-out divisor (node i depends
 * on i-1 and on floor(i/fanout)), and the nonce that makes it unbuilt.
 * @typedef {{ nodes: number, fanout: number, nonce: string }} Graph
 */

/** The environment that sizes the Kiln config. */
export function kilnEnv(graph, storeDir) {
  return {
    ...process.env,
    BENCH_NODES: String(graph.nodes),
    BENCH_FANOUT: String(graph.fanout),
    BENCH_NONCE: graph.nonce,
    KILN_SHOW_STATS: "1",
    KILN_STORE_DIR: storeDir,
  };
}

/** The arguments that size the Nix expression. */
export function nixGraphArguments(graph) {
  return [NIX_FILE, "--arg", "n", String(graph.nodes), "--arg", "fanout", String(graph.fanout), "--argstr", "nonce", graph.nonce];
}

/**
 * `kiln build --no-sandbox -j 2 --no-link` of the graph into the store at
 * `storeDir` (its state beside it). Timed as a whole process: loading the config,
 * computing and writing the .drv files, building and registering.
 * @returns {{ ms: number, stdout: string, stats?: { maxRssBytes: number } }}
 */
export function kilnBuild(graph, storeDir) {
  return timed(process.execPath, KILN_BUILD_ARGUMENTS, { env: kilnEnv(graph, storeDir) });
}

/**
 * As {@link kilnBuild}, with that `kiln` (an installed one) and `env` laid over
 * the environment (a variable given as undefined is unset).
 */
export function kilnBuildWith(kiln, graph, storeDir, env = {}) {
  return timed(kiln, KILN_BUILD_ARGUMENTS.slice(1), { env: { ...kilnEnv(graph, storeDir), ...env } });
}

/** As {@link kilnBuild}, in the bubblewrap sandbox (`--sandbox`). */
export function kilnBuildSandboxed(graph, storeDir) {
  return timed(process.execPath, KILN_SANDBOXED_BUILD_ARGUMENTS, { env: kilnEnv(graph, storeDir) });
}

/**
 * `kiln build -j 1 --no-link` of `nodes` independent trivial derivations
 * (nonce `nonce`) into the store at `storeDir`, in the sandbox or not: one
 * build at a time, so that the difference is the sandbox's cost per build.
 */
export function kilnBuildFlat(nodes, nonce, storeDir, sandboxed) {
  const args = [KILN, "build", KILN_FLAT_CONFIG, sandboxed ? "--sandbox" : "--no-sandbox", "-j", "1", "--no-link"];
  return timed(process.execPath, args, { env: kilnEnv({ nodes, fanout: 1, nonce }, storeDir) });
}

/** The last node's .drv path as Kiln computes it for /nix/store, written nowhere. */
export function kilnDrvPathInNixStore(graph) {
  return timed(process.execPath, [KILN, "instantiate", KILN_CONFIG, "--store-dir", "/nix/store", "--read-only"], { env: kilnEnv(graph, "/nix/store") }).stdout.trim();
}

/**
 * Runs a Nix command timed; where GNU time is installed, also measures its peak
 * memory (the largest resident set of the command and the builders it waited for).
 * GNU time's own fork and exec are inside the timing: about a millisecond.
 * @returns {{ ms: number, stdout: string, maxRssBytes?: number }}
 */
function timedNix(command, args, scratchDir) {
  if (!existsSync(GNU_TIME)) return timed(command, args, { env: NIX_ENV });
  const memoryFile = join(scratchDir, "nix-time.txt");
  const run = timed(GNU_TIME, ["-o", memoryFile, "-f", "%M", command, ...args], { env: NIX_ENV });
  const kib = Number(readFileSync(memoryFile, "utf8").trim().split("\n").pop());
  rmSync(memoryFile, { force: true });
  return { ...run, maxRssBytes: kib * 1024 };
}

/** `nix-instantiate` of the graph: evaluates it and writes its .drv files. */
export function nixInstantiate(graph, scratchDir) {
  return timedNix("nix-instantiate", nixGraphArguments(graph), scratchDir);
}

/** `nix-store --realise` of a .drv path: builds what is not valid yet. */
export function nixRealise(drvPath, scratchDir) {
  return timedNix("nix-store", ["--realise", drvPath, ...NIX_BUILD_OPTIONS], scratchDir);
}

/** `nix-build --no-out-link`: evaluate, write the .drv files, realise. */
export function nixBuild(graph, scratchDir) {
  return timedNix("nix-build", [...nixGraphArguments(graph), "--no-out-link", ...NIX_BUILD_OPTIONS], scratchDir);
}

/** The untimed commands still running. */
const running = new Set();

/** Runs a command to its end without blocking, failing loudly on a non-zero exit; resolves with its standard output. */
function untimed(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr = (stderr + chunk).slice(-20000)));
    child.on("error", reject);
    child.on("close", (code) => {
      running.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(" ")} failed (${code}):\n${stderr}`));
    });
  });
}

/** Stops the untimed commands still running (on an interruption), resolving once they have exited. */
export function stopUntimed() {
  const exits = [...running].map((child) => new Promise((resolve) => child.once("close", resolve)));
  for (const child of running) child.kill("SIGTERM");
  return Promise.all(exits);
}

/**
 * `kiln build` of the graph into `storeDir`, untimed and without blocking, so
 * that first builds (set-up, not measured) can share the machine. `kiln`
 * runs that `kiln` (an installed one) instead of this checkout's, with `env`
 * added to the environment.
 * @returns {Promise<string>} the output path printed
 */
export function kilnBuildUntimed(graph, storeDir, kiln = undefined, env = {}) {
  const [command, args] = kiln === undefined ? [process.execPath, KILN_BUILD_ARGUMENTS] : [kiln, KILN_BUILD_ARGUMENTS.slice(1)];
  return untimed(command, args, { ...kilnEnv(graph, storeDir), ...env });
}

/**
 * Nix's `nix-instantiate` then `nix-store --realise` of the graph, untimed and
 * without blocking. `onDrvPath` hears the .drv path as soon as Nix has written
 * it, so that the graph can be deleted again even if the build fails.
 * @returns {Promise<string>} the .drv path
 */
export async function nixBuildUntimed(graph, onDrvPath) {
  const drvPath = (await untimed("nix-instantiate", nixGraphArguments(graph), NIX_ENV)).trim();
  onDrvPath(drvPath);
  await untimed("nix-store", ["--realise", drvPath, ...NIX_BUILD_OPTIONS], NIX_ENV);
  return drvPath;
}

/**
 * Deletes a graph from /nix/store again: its .drv files and their outputs, and
 * nothing else (no garbage collection of the whole store). Nix refuses paths
 * still alive (a root, or a referrer outside the set); those stay, and are counted.
 * @returns {{ deleted: number, kept: number }}
 */
export function nixDelete(drvPath) {
  const closure = spawnSync("nix-store", ["--query", "--requisites", "--include-outputs", drvPath], { encoding: "utf8", env: NIX_ENV, maxBuffer: 1 << 26 });
  if (closure.status !== 0) return { deleted: 0, kept: 0 };
  const paths = closure.stdout.split("\n").filter((path) => path !== "");
  const deletion = spawnSync("nix-store", ["--delete", ...paths], { encoding: "utf8", env: NIX_ENV, maxBuffer: 1 << 26 });
  const kept = deletion.status === 0 ? 0 : paths.filter((path) => existsSync(path)).length;
  return { deleted: paths.length - kept, kept };
}
