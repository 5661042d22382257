/**
 * One build by the local realiser: lock the outputs, run the builder (in the
 * sandbox when there is one), stop whatever it left running, copy what it
 * made to fresh canonical trees, check them, find their references, and
 * register them, all or nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type Drv, declaredOutputHash, isFixedOutput, type Hash, NarDumpError, hashFileSync, hashPathSync, type NarHashResult } from "@kiln/formats";
import type { LocalStore } from "../local-store/local-store.js";
import { canonicalisePathMetadata, deletePathRecursively } from "../local-store/canonicalise.js";
import { HashPartScanner, scanForHashParts, type HashPartLookup } from "../local-store/reference-scanner.js";
import { BUILD_DIR_NAME, makeBuildRoot, releaseBuildRoot } from "../local-store/build-directories.js";
import type { NewPathInfo } from "../local-store/store-database.js";
import { isBuiltinBuilder, runBuiltinBuilder } from "../fetch/builtin-fetchers.js";
import type { FetchSettings } from "../fetch/fetch-settings.js";
import { BuildLog, logWriteFailed } from "./build-log.js";
import { assertInputsPresent } from "./input-check.js";
import { setOutputsAside, type OutputsSetAside } from "./repair-outputs.js";
import { BuildFailedError, HashMismatchError } from "./build-errors.js";
import { builderEnvironment, rewriteOutputPlaceholders } from "./build-environment.js";
import { buildRootOf, checkBuildRoot, unsandboxedBuildRootError } from "./build-root.js";
import { bubblewrapArguments, SANDBOX_BUILD_DIR, sandboxEtcFiles } from "./sandbox.js";
import { stageSandboxInputs } from "./sandbox-inputs.js";
import type { SandboxShellMount } from "./sandbox-shell.js";
import { impureHostPathsOf } from "./impure-host-paths.js";
import { killBuildProcesses, processesCreated, processStartTime, type BuildProcessScope } from "./build-processes.js";
import { canonicaliseOutputInPlace, copyOutputTree, OutputCopyError } from "./output-copy.js";
import { attachUserNetwork, type UserNetwork } from "./user-network.js";
import { PIPE_GRACE_MS, type BuilderCommand, type BuilderEvents, type BuilderSpawner } from "./builder-spawner.js";
import type { RealiseEvent } from "./realiser.js";
import { assertCheckable, checkRebuiltOutputs, type CheckSettings } from "./rebuild-check.js";

/** How builds are isolated. */
export interface SandboxSettings {
  /** The `bwrap` program. */
  readonly bubblewrap: string;
  /** Host paths visible read-only besides the shell (`PATH` or `TARGET=SOURCE`). */
  readonly paths: readonly string[];
  /** The mounts of the sandbox's `/bin/sh` (see `sandbox-shell.ts`). */
  readonly shell: readonly SandboxShellMount[];
  /** The host paths a derivation may ask for itself (see `impure-host-paths.ts`). */
  readonly allowedImpureHostPaths: readonly string[];
  /** The `slirp4netns` program, which gives fixed-output builds a network of their own; without it they share the host's. */
  readonly slirp4netns?: string | undefined;
}

/** Everything one build needs. */
export interface BuildRequest {
  readonly store: LocalStore;
  readonly drvPath: string;
  readonly drv: Drv;
  readonly name: string;
  readonly sandbox: SandboxSettings | undefined;
  readonly cores: number;
  readonly emit: (event: RealiseEvent) => void;
  readonly signal: AbortSignal | undefined;
  /** How built-in fetchers download. */
  readonly fetchSettings: FetchSettings;
  /** Build even though the outputs are valid, replacing them (they are missing or damaged). */
  readonly repair?: boolean;
  /**
   * Build even though the outputs are valid, and compare what the build made
   * with them instead of registering it (`kiln build --check`); see `checkRebuiltOutputs`.
   */
  readonly check?: CheckSettings | undefined;
  /** Seconds the builder may run (Nix's `timeout`); unlimited when absent. */
  readonly timeout?: number | undefined;
  /** Seconds the builder may go without output (Nix's `max-silent-time`); unlimited when absent. */
  readonly maxSilentTime?: number | undefined;
  /** What starts the builder (see `builder-spawner.ts`); without it, this process starts it. */
  readonly spawner?: BuilderSpawner | undefined;
  /**
   * Inputs whose outputs are complete in place but may not be registered yet
   * (see {@link BuildRequest.outputsInPlace}), by `.drv` path. An unsandboxed
   * build may run on them; it registers its own outputs only after theirs.
   */
  readonly inputsInPlace?: ReadonlyMap<string, InputInPlace> | undefined;
  /**
   * Called once this build's outputs are complete at their paths (the
   * builder and everything it started are gone, each output is a fresh
   * canonical copy), before they are hashed and registered: the realiser
   * starts the builds waiting on them then, and registration follows while
   * they run. Not called for fixed outputs, whose hash is checked first.
   */
  readonly outputsInPlace?: (() => void) | undefined;
  /**
   * This process took the outputs' locks for this build already (see
   * `PathLocks.tryAcquire`): the build does not take them again, and releases them as usual.
   */
  readonly locksHeld?: boolean | undefined;
  /** Called once the builder has been asked for: the realiser prepares what follows while it runs. */
  readonly builderRequested?: (() => void) | undefined;
}

/** A finished build's outputs, in place, and its registration under way. */
export interface InputInPlace {
  readonly outputs: ReadonlyMap<string, string>;
  /** Settles when the registration is done; rejects if it failed. */
  readonly registered: Promise<void>;
}


/** The store paths a build uses directly: its sources and the outputs of its inputs it names (valid, or in place and being registered). */
function directInputs(store: LocalStore, drv: Drv, inPlace: ReadonlyMap<string, InputInPlace> | undefined): string[] {
  const roots: string[] = [...drv.inputSrcs];
  for (const [inputDrv, outputNames] of drv.inputDrvs) {
    const pending = inPlace?.get(inputDrv)?.outputs;
    const outputs = pending ?? store.database.derivationOutputs(inputDrv);
    for (const name of outputNames) {
      const path = outputs.get(name);
      if (path === undefined || (pending === undefined && !store.isValid(path))) throw new BuildFailedError(`input '${inputDrv}' output '${name}' is not built`, inputDrv);
      roots.push(path);
    }
  }
  return roots;
}

/**
 * The references of a build's output and its NAR hash, in one pass over its
 * files (as Nix scans while it dumps the NAR into the hash): the paths of
 * its input closure and its own outputs that the output mentions. It is
 * scanned against every valid path; the input closure is computed only if
 * something beyond the direct inputs turns up (for a long chain it is as long
 * as the chain). A `narHash` already computed (a fixed output's check) is
 * not computed again.
 */
function referencesAndHash(
  store: LocalStore,
  output: string,
  outputPaths: readonly string[],
  direct: readonly string[],
  closure: () => ReadonlySet<string>,
  narHash: NarHashResult | undefined,
): { references: string[]; narHash: NarHashResult } {
  store.validPaths.refresh();
  const index = store.validPaths.entries();
  const own = new Map(outputPaths.map((path) => [store.validPaths.hashPartOf(path), path]));
  const lookup: HashPartLookup = { has: (hashPart) => own.has(hashPart) || index.has(hashPart), get: (hashPart) => own.get(hashPart) ?? index.get(hashPart) };
  let found: Set<string>;
  if (narHash === undefined) {
    const scanner = new HashPartScanner(lookup);
    narHash = hashPathSync(output, "sha256", (chunk) => scanner.feed(chunk));
    found = new Set([...scanner.found].map((hashPart) => lookup.get(hashPart) as string));
  } else {
    found = scanForHashParts(output, lookup);
  }
  const allowed = new Set([...direct, ...outputPaths]);
  const references = [...found].filter((path) => allowed.has(path));
  const further = [...found].filter((path) => !allowed.has(path));
  if (further.length > 0) {
    const inputs = closure();
    references.push(...further.filter((path) => inputs.has(path)));
  }
  return { references: references.sort(), narHash };
}

/** Runs a built-in builder (a fetch) in this process; a failure is logged and reported as exit code 1. */
async function runBuiltin(request: BuildRequest, scratch: string, log: BuildLog): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const writeLine = (line: string): void => log.write(Buffer.from(`${line}\n`));
  try {
    await runBuiltinBuilder({
      drv: request.drv,
      output: request.drv.outputs.get("out")?.path ?? "",
      scratch,
      settings: request.fetchSettings,
      log: writeLine,
      onBytes: (url, bytes, total) => request.emit({ type: "bytes-fetched", drvPath: request.drvPath, url, bytes, ...(total !== undefined ? { total } : {}) }),
      ...(request.signal !== undefined ? { signal: request.signal } : {}),
    });
    return { code: 0, signal: null };
  } catch (error) {
    if (request.signal?.aborted === true) throw error;
    writeLine(`error: ${error instanceof Error ? error.message : String(error)}`);
    return { code: 1, signal: null };
  }
}

/** How a builder ended: its exit code or signal, and why Kiln stopped it (a time limit, its network), if it did. */
interface BuilderExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stoppedBecause?: string;
}

/**
 * Starts a builder from this process (not through the spawner): a
 * sandboxed fixed-output build whose network slirp4netns connects, which
 * needs bwrap's info and block descriptors here. Returns the child.
 */
function startDirectly(command: BuilderCommand, networkPipes: boolean, events: BuilderEvents): ChildProcess {
  const stdio = networkPipes ? ["ignore", "pipe", "pipe", "pipe", "pipe"] : ["ignore", "pipe", "pipe"];
  const child = spawn(command.command, command.args, { cwd: command.cwd, env: command.env, stdio: stdio as ["ignore", "pipe", "pipe"], detached: true });
  if (child.pid !== undefined) events.started(child.pid, processStartTime(child.pid));
  child.stdout.on("data", (chunk: Buffer) => events.output(chunk));
  child.stderr.on("data", (chunk: Buffer) => events.output(chunk));
  child.on("error", (error) => events.failed(error.message));
  child.on("exit", () => {
    events.exited(false);
    // A process that escaped every sweep may hold the pipes open; the build does not wait for it.
    setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
    }, PIPE_GRACE_MS).unref();
  });
  child.on("close", (code, signal) => events.closed(code, signal));
  return child;
}

/**
 * Runs the builder in a session of its own, started by the realisation's
 * builder spawner (see `builder-spawner.ts`) when there is one; resolves with its exit code (or
 * signal). When it exits, everything it left running is killed before its
 * outputs are looked at (`buildTop`, an unsandboxed build's directory, also
 * finds processes that left its session; without it, the build is in the
 * sandbox, whose PID namespace ends with it). The time limits kill it as Nix's do.
 * With `slirp4netns`, the sandbox's own network is attached before the builder runs.
 */
function runBuilder(
  request: BuildRequest,
  command: BuilderCommand,
  log: BuildLog,
  buildTop: string | undefined,
  slirp4netns: string | undefined,
): Promise<BuilderExit> {
  return new Promise((resolve, reject) => {
    // Read before the builder exists, so that every process made since is counted.
    const createdBefore = buildTop !== undefined ? processesCreated() : undefined;
    let pid: number | undefined;
    let scope: BuildProcessScope = buildTop === undefined ? { pidNamespace: true } : { buildTop, ...(createdBefore !== undefined ? { createdBefore } : {}) };
    let stoppedBecause: string | undefined;
    let network: UserNetwork | undefined;
    // A stop asked for before the builder's id is known is carried out as soon as it is.
    let killWanted = false;
    const timers: NodeJS.Timeout[] = [];
    const kill = (): void => {
      killWanted = true;
      if (pid !== undefined) killBuildProcesses(pid, scope);
    };
    const stopFor = (reason: string): void => {
      stoppedBecause ??= reason;
      kill();
    };
    const building = `building of '${request.drvPath}'`;
    if (request.timeout !== undefined && request.timeout > 0) {
      const seconds = request.timeout;
      timers.push(setTimeout(() => stopFor(`${building} timed out after ${seconds} seconds`), seconds * 1000));
    }
    let silence: NodeJS.Timeout | undefined;
    const heard = (): void => {
      const seconds = request.maxSilentTime;
      if (seconds === undefined || seconds <= 0) return;
      if (silence !== undefined) clearTimeout(silence);
      silence = setTimeout(() => stopFor(`${building} timed out after ${seconds} seconds of silence`), seconds * 1000);
    };
    heard();
    const cleanUp = (): void => {
      network?.stop();
      request.signal?.removeEventListener("abort", kill);
      for (const timer of timers) clearTimeout(timer);
      if (silence !== undefined) clearTimeout(silence);
    };
    request.signal?.addEventListener("abort", kill, { once: true });
    let ended = false;
    const events: BuilderEvents = {
      started: (builderPid, startTime) => {
        pid = builderPid;
        // Recorded for a later run to stop if this process dies, once the messages read with this one are
        // handled: a short builder's end comes in the same read, and then there is nothing to record and
        // the builds waiting on it start without waiting for a database write.
        setImmediate(() => {
          if (ended) return;
          try {
            request.store.locks.setBuilder([...request.drv.outputs.values()].map((output) => output.path), builderPid, startTime);
          } catch {
            // A database that refuses (a full disk) only costs a later run the chance to stop this builder itself.
          }
        });
        if (buildTop !== undefined && startTime !== undefined) scope = { ...scope, startTime };
        if (killWanted) kill();
      },
      output: (chunk) => {
        heard();
        log.write(chunk);
      },
      exited: (groupKilled) => {
        ended = true;
        if (groupKilled) scope = { ...scope, groupKilled };
        cleanUp();
        // Nothing the builder started may run on: it could change an output after registration.
        kill();
      },
      closed: (code, signal) => {
        ended = true;
        cleanUp();
        resolve({ code, signal, ...(stoppedBecause !== undefined ? { stoppedBecause } : {}) });
      },
      failed: (error) => {
        ended = true;
        cleanUp();
        kill();
        reject(typeof error === "string" ? new BuildFailedError(`cannot run builder '${command.command}' of '${request.drvPath}': ${error}`, request.drvPath, log.path) : error);
      },
    };
    if (slirp4netns === undefined && request.spawner !== undefined) {
      request.spawner.spawn(request.drvPath, command, events);
      return;
    }
    const child = startDirectly(command, slirp4netns !== undefined, events);
    if (slirp4netns !== undefined) {
      attachUserNetwork(child, slirp4netns).then(
        (attached) => (network = attached),
        (error: unknown) => stopFor(`cannot give fixed-output build '${request.drvPath}' its network: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  });
}

/**
 * Checks a fixed-output derivation's output against its declared hash.
 * Returns the content address and, when the check already hashed the NAR
 * with sha256, that result, so registration need not hash it again.
 */
function checkFixedOutput(request: BuildRequest, path: string, logPath: string): { ca: string; narHash?: NarHashResult } {
  const { hash: specified, method } = declaredOutputHash(request.drv);
  const recursive = method === "recursive";
  let got: Hash;
  let narHash: NarHashResult | undefined;
  if (recursive) {
    narHash = hashPathSync(path, specified.algorithm);
    got = narHash.hash;
  } else {
    const stats = lstatSync(path);
    if (!stats.isFile() || (stats.mode & 0o100) !== 0) {
      throw new BuildFailedError(`output path '${path}' should be a non-executable regular file since recursive hashing is not enabled (outputHashMode=flat)`, request.drvPath, logPath);
    }
    got = hashFileSync(path, specified.algorithm);
  }
  if (!got.equals(specified)) throw new HashMismatchError(request.drvPath, specified.toSri(), got.toSri(), logPath);
  const ca = `fixed:${recursive ? "r:" : ""}${specified.algorithm}:${specified.toNixBase32()}`;
  return specified.algorithm === "sha256" && narHash !== undefined ? { ca, narHash } : { ca };
}

/**
 * Waits until the inputs of `drv` that are in place are registered too. A
 * failed registration fails this build: its input is not valid.
 */
async function inputsRegistered(drv: Drv, drvPath: string, inPlace: ReadonlyMap<string, InputInPlace> | undefined): Promise<void> {
  if (inPlace === undefined || inPlace.size === 0) return;
  for (const inputDrv of drv.inputDrvs.keys()) {
    const input = inPlace.get(inputDrv);
    if (input === undefined) continue;
    try {
      await input.registered;
    } catch (error) {
      throw new BuildFailedError(`input '${inputDrv}' of '${drvPath}' could not be registered: ${error instanceof Error ? error.message : String(error)}`, drvPath);
    }
  }
}

/** Builds one derivation and registers its outputs. Returns its output paths. */
export async function buildDerivation(request: BuildRequest): Promise<Record<string, string>> {
  const { store, drv, drvPath, name } = request;
  const outputs = new Map([...drv.outputs].map(([output, { path }]) => [output, path]));
  const outputPaths = [...outputs.values()];
  // Only an unsandboxed build of its own may start on inputs not registered yet: a sandbox, a build root
  // and a check need the inputs' closure, which comes from their registration.
  const early = request.sandbox === undefined && request.check === undefined && request.repair !== true && !isBuiltinBuilder(drv) && buildRootOf(drv) === undefined;
  if (!early) {
    try {
      await inputsRegistered(drv, drvPath, request.inputsInPlace);
    } catch (error) {
      if (request.locksHeld === true) store.locks.release(outputPaths);
      throw error;
    }
  }
  if (request.locksHeld !== true) {
    await store.locks.acquire(outputPaths, {
      signal: request.signal,
      onWait: () => request.emit({ type: "build-waiting", drvPath, name, reason: "another build (here or in another process) is making the same output" }),
    });
  }
  let buildRoot: string | undefined;
  let setAside: OutputsSetAside | undefined;
  try {
    if (request.check !== undefined) assertCheckable(request, outputPaths);
    else if (request.repair !== true && outputPaths.every((path) => store.isValid(path))) {
      store.database.registerDerivationOutputs(drvPath, outputs);
      return Object.fromEntries(outputs);
    }
    for (const path of outputPaths) store.removeInvalid(path);
    const direct = directInputs(store, drv, early ? request.inputsInPlace : undefined);
    let inputClosure: ReadonlySet<string> | undefined;
    const closure = (): ReadonlySet<string> => (inputClosure ??= store.closure(direct));
    assertInputsPresent(request.sandbox !== undefined ? closure() : direct, drvPath);
    if (request.repair === true) setAside = setOutputsAside(store, outputPaths);
    // Build directories are the user's alone (CVE-2024-38531): 0700, under the state directory, never in /tmp.
    buildRoot = makeBuildRoot(store.stateDir, name);
    const builtin = isBuiltinBuilder(drv);
    // Built-in fetchers run inside Kiln and write the output path directly; there is nothing to sandbox.
    const sandbox = builtin ? undefined : request.sandbox;
    // A derivation with a tree of its inputs as /usr, /lib and /bin (the hermetic stdenv's) sees no host path.
    const ownRoot = builtin ? undefined : buildRootOf(drv);
    if (ownRoot !== undefined) {
      if (sandbox === undefined) throw unsandboxedBuildRootError(drvPath, ownRoot);
      checkBuildRoot(ownRoot, store.storeDir, closure(), drvPath);
    }
    // The temporary directory holds the build directory and, sandboxed, the private store and /etc.
    const buildDir = join(buildRoot, BUILD_DIR_NAME);
    const { env, files } = builderEnvironment(drv, { buildDir: sandbox ? SANDBOX_BUILD_DIR : buildDir, storeDir: store.storeDir, cores: request.cores });
    for (const file of files) writeFileSync(join(buildDir, file.name), file.contents);
    const logPath = store.logPath(drvPath);
    const log = new BuildLog(logPath, (line) => request.emit({ type: "log-line", drvPath, name, line }));
    let said = false;
    const started = (): void => {
      if (said) return;
      said = true;
      request.emit({ type: "build-started", drvPath, name, logPath });
    };
    // A sandbox takes a while to set up, a fetch runs here: said at once. An unsandboxed builder is asked for first (below).
    if (builtin || sandbox !== undefined) started();

    let command = drv.builder;
    let args: string[] = drv.args.map((arg) => rewriteOutputPlaceholders(drv, arg));
    const chrootStoreDir = join(buildRoot, "store");
    // A fixed-output build's network is its own when slirp4netns is there to connect it.
    const network = sandbox !== undefined && isFixedOutput(drv);
    const slirp4netns = network ? sandbox.slirp4netns : undefined;
    if (sandbox !== undefined) {
      // An earlier build's root, reused, has them already (empty).
      mkdirSync(chrootStoreDir, { recursive: true });
      const etcDir = join(buildRoot, "etc");
      mkdirSync(etcDir, { recursive: true });
      for (const [file, contents] of Object.entries(sandboxEtcFiles())) writeFileSync(join(etcDir, file), contents);
      args = [
        ...bubblewrapArguments({ buildDir, chrootStoreDir, storeDir: store.storeDir, inputs: stageSandboxInputs(closure(), chrootStoreDir), sandboxPaths: [...sandbox.paths, ...impureHostPathsOf(drv, drvPath, sandbox.allowedImpureHostPaths)], shell: sandbox.shell, buildRoot: ownRoot, etcDir, network, privateNetwork: slirp4netns !== undefined }),
        "--",
        command,
        ...args,
      ];
      command = sandbox.bubblewrap;
    }
    let exit;
    try {
      if (builtin) exit = await runBuiltin(request, buildDir, log);
      else {
        const running = runBuilder(request, { command, args, env, cwd: buildDir }, log, sandbox === undefined ? buildDir : undefined, slirp4netns);
        // Said once the builder has been asked for, so that saying it does not delay it; its output comes after.
        started();
        request.builderRequested?.();
        exit = await running;
      }
    } finally {
      await log.close();
    }
    request.signal?.throwIfAborted();
    if (log.writeError !== undefined) throw logWriteFailed(drvPath, log, exit);
    if ("stoppedBecause" in exit && exit.stoppedBecause !== undefined) throw new BuildFailedError(exit.stoppedBecause, drvPath, logPath);
    if (exit.code !== 0) {
      const status = exit.signal !== null ? `was killed by signal ${exit.signal}` : `failed with exit code ${exit.code}`;
      const tail = log.lastLines();
      throw new BuildFailedError(
        `builder for '${drvPath}' ${status}${tail.length > 0 ? `;\nlast ${tail.length} log lines:\n${tail.map((line) => `> ${line}`).join("\n")}` : ""}\nFor full logs, run 'kiln log ${drvPath}' (${logPath}).`,
        drvPath,
        logPath,
      );
    }

    if (request.check !== undefined && sandbox !== undefined) {
      checkRebuiltOutputs(request, request.check, outputs, chrootStoreDir, logPath);
      return Object.fromEntries(outputs);
    }
    // Each output (from the sandbox's private store) becomes a fresh canonical copy, which is what is checked and registered;
    // an unsandboxed one is made canonical where it is when that is as safe (see output-copy.ts).
    for (const [output, path] of outputs) {
      const made = sandbox !== undefined ? join(chrootStoreDir, basename(path)) : path;
      if (!existsSync(made) && !isDanglingSymlink(made)) {
        throw new BuildFailedError(`builder for '${drvPath}' failed to produce output path for output '${output}' at '${path}'`, drvPath, logPath);
      }
      // A built-in fetcher's output was written by Kiln itself.
      if (builtin) canonicalisePathMetadata(path);
      else if (sandbox !== undefined || isFixedOutput(drv) || !canonicaliseInPlace(made, `output '${output}'`, logPath, drvPath)) {
        installFreshCopy(store, made, path, `output '${output}'`, logPath, drvPath);
      }
    }
    if (request.outputsInPlace !== undefined && !isFixedOutput(drv) && !builtin) {
      request.outputsInPlace();
      // The builds started on these outputs reach their builders before this one hashes and registers.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Registered after the inputs: a reference must be valid when its referrer is registered.
    if (early) await inputsRegistered(drv, drvPath, request.inputsInPlace);
    const fixed = isFixedOutput(drv) ? checkFixedOutput(request, outputs.get("out") as string, logPath) : undefined;
    const ca = fixed?.ca;
    const infos: NewPathInfo[] = [];
    for (const path of outputPaths) {
      const { references, narHash } = referencesAndHash(store, path, outputPaths, direct, closure, fixed?.narHash);
      if (ca !== undefined && references.length > 0) {
        throw new BuildFailedError(`fixed-output derivation '${drvPath}' refers to other store paths (${references.join(", ")}), which it may not`, drvPath, logPath);
      }
      const { hash, narSize } = narHash;
      infos.push({ path, narHash: `sha256:${hash.toBase16()}`, narSize, deriver: drvPath, references, ca });
    }
    const register = (): void => store.registerOutputs(infos, drvPath, outputs, request.repair === true);
    // The outputs' locks go in the registration's own transaction; a repair keeps them until the old copies are gone.
    if (setAside === undefined) store.locks.releaseWith(outputPaths, register);
    else register();
    setAside?.discard();
    return Object.fromEntries(outputs);
  } catch (error) {
    setAside?.restore();
    // Nothing of a failed build stays: unregistered outputs are removed now rather than at the next run.
    for (const path of outputPaths) {
      try {
        store.removeInvalid(path);
      } catch {
        // Left for the next run to clean.
      }
    }
    // A file no store path can hold (a fifo, a socket, a device) is the build's doing: say which build.
    if (error instanceof NarDumpError) throw new BuildFailedError(`builder for '${drvPath}' produced an output that cannot be stored: ${error.message}`, drvPath, store.logPath(drvPath));
    throw error;
  } finally {
    // Kept for the next build, or removed in the background: the realiser waits for every removal before it returns.
    if (buildRoot !== undefined) releaseBuildRoot(buildRoot);
    store.locks.release(outputPaths);
  }
}

/**
 * Makes an unsandboxed build's output canonical where the builder made it (see
 * {@link canonicaliseOutputInPlace}); `false` when it must be copied instead.
 */
function canonicaliseInPlace(made: string, what: string, logPath: string, drvPath: string): boolean {
  try {
    return canonicaliseOutputInPlace(made);
  } catch (error) {
    if (error instanceof OutputCopyError) throw new BuildFailedError(`builder for '${drvPath}' produced ${what} that cannot be stored: ${error.message}`, drvPath, logPath);
    throw error;
  }
}

/**
 * Puts a fresh, canonical copy of what the builder made at `made` (the store
 * path itself when unsandboxed) at `path`, by way of a temporary name in the
 * store directory; the builder's own tree is deleted. See {@link copyOutputTree}.
 */
function installFreshCopy(store: LocalStore, made: string, path: string, what: string, logPath: string, drvPath: string): void {
  const fresh = store.temporaryPath(basename(path));
  try {
    copyOutputTree(made, fresh);
  } catch (error) {
    deletePathRecursively(fresh);
    // Name the output by its store path, not by the sandbox's private copy of it.
    if (error instanceof OutputCopyError) throw new BuildFailedError(`builder for '${drvPath}' produced ${what} that cannot be stored: ${error.message.replaceAll(made, path)}`, drvPath, logPath);
    throw error;
  }
  // The builder's own file or symlink is replaced by the rename itself, a directory operation less on every
  // build's path; a directory goes first (a rename does not replace one that is not empty).
  if (made !== path) store.removeInvalid(path);
  else if (lstatSync(path).isDirectory()) deletePathRecursively(path);
  renameSync(fresh, path);
}

function isDanglingSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
