/**
 * Watching a config's evaluation from another thread, so that a config
 * stuck in a loop, allocating without end, or interrupted with Ctrl-C ends
 * with an error naming the user's line, as Nix names where an evaluation
 * was when it is stopped, instead of hanging, dying with V8's native stack,
 * or vanishing without a word.
 *
 * Evaluation stays on the main thread (its values, getters and functions are
 * used in place by every command, and a config that loads quickly pays only
 * for starting the thread, in parallel with bundling, and the first
 * evaluation may wait a few ms for it, see `restoreProcessFlags`). The main thread marks
 * the spans when config code runs ({@link duringEvaluation}); the watchdog
 * thread (`evaluation-watchdog-worker.ts`) does the rest.
 */
import { existsSync } from "node:fs";
import { getHeapStatistics } from "node:v8";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ConfigEvaluationStoppedError, type SourceLocation, isConfigBundle, originalPositionInBundle, isKilnPackageFile } from "@kiln/formats";
import { processV8Flags, reapplyProcessV8Flags } from "./process-v8-flags.js";
import { SLOT, SLOT_COUNT, STOP_HOOK, withSpinnerLock, type PausedFrame, type StopReport, type WatchdogData } from "./evaluation-watchdog-protocol.js";

/** Limits on evaluating a config. */
export interface EvaluationLimits {
  /** Stop evaluation after this many seconds of it (`--eval-timeout`); none by default. */
  readonly timeoutSeconds?: number;
  /** Stop evaluation when it has grown the process by this many MiB; by default 80% of V8's heap limit, so Kiln reports before V8 aborts. */
  readonly memoryMiB?: number;
  /** Show a spinner with the elapsed time on standard error after a second of evaluation (only on a terminal); off by default. */
  readonly progress?: boolean;
  /** The config's name in the spinner. */
  readonly label?: string;
}

interface Watchdog {
  readonly worker: Worker;
  readonly slots: Int32Array;
}

let watchdog: Watchdog | null | undefined;
let depth = 0;
let pendingStop: ConfigEvaluationStoppedError | undefined;
let stopped: { promise: Promise<never>; reject: (error: unknown) => void } | undefined;
const stopListeners: (() => void)[] = [];

function stoppedSlot(): { promise: Promise<never>; reject: (error: unknown) => void } {
  if (stopped !== undefined) return stopped;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<never>((_, rejectWith) => {
    reject = rejectWith;
  });
  // Only those who wait for it care; no one waiting is not an unhandled rejection.
  promise.catch(() => undefined);
  stopped = { promise, reject };
  return stopped;
}

/**
 * Rejects with a {@link ConfigEvaluationStoppedError} when the watchdog stops
 * an evaluation. The stuck JavaScript is ended, so the code that was waiting
 * for the config never resumes: race this against it.
 */
export function evaluationStopped(): Promise<never> {
  return stoppedSlot().promise;
}

/** Runs `listener` when an evaluation is stopped (the `finally` blocks of the ended code do not run). */
export function onEvaluationStop(listener: () => void): void {
  stopListeners.push(listener);
}

/** The innermost frame of the paused main thread that is in a user's file. */
function userFrame(frames: readonly PausedFrame[]): SourceLocation | undefined {
  for (const frame of frames) {
    if (!frame.url.startsWith("file:")) continue;
    const url = new URL(frame.url);
    url.search = "";
    const file = fileURLToPath(url);
    if (isConfigBundle(file)) {
      const original = originalPositionInBundle(file, frame.line, frame.column);
      if (original !== undefined && !original.file.includes("/node_modules/") && !isKilnPackageFile(original.file)) return original;
      continue;
    }
    if (file.includes("/node_modules/") || isKilnPackageFile(file)) continue;
    return { file, line: frame.line, column: frame.column };
  }
  return undefined;
}

function stopError(report: StopReport): ConfigEvaluationStoppedError {
  const location = userFrame(report.frames);
  const where = location === undefined ? "" : "; it was running here";
  if (report.reason === "timeout") {
    const seconds = report.detail / 1000;
    return new ConfigEvaluationStoppedError(`evaluation did not finish within ${seconds} s (--eval-timeout ${seconds})${where}`, location, "timeout");
  }
  if (report.reason === "memory") return new ConfigEvaluationStoppedError(`evaluation ran out of memory (${report.detail} MiB)${where}`, location, "memory");
  return new ConfigEvaluationStoppedError(`interrupted (Ctrl-C) while evaluating the config${where}`, location, "interrupt");
}

/** Called on the main thread through the inspector while it is paused in the stuck code. */
function onStopReport(report: StopReport): void {
  pendingStop = stopError(report);
  depth = 0;
  if (watchdog) {
    Atomics.store(watchdog.slots, SLOT.state, 0);
    clearSpinner(watchdog.slots);
    // Keep the process alive until the watchdog says the stuck code has ended.
    watchdog.worker.ref();
  }
  for (const listener of stopListeners) listener();
}

function startWatchdog(): Watchdog | null {
  const script = new URL("./evaluation-watchdog-worker.js", import.meta.url);
  // Run from TypeScript sources (a test runner), there is no compiled worker: evaluation runs unwatched.
  if (script.protocol !== "file:" || !existsSync(fileURLToPath(script))) return null;
  const shared = new SharedArrayBuffer(SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT);
  const data: WatchdogData = { shared, tty: process.stderr.isTTY === true, v8Flags: processV8Flags() };
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: data, stdout: false, stderr: false });
  } catch {
    return null;
  }
  worker.on("error", () => {
    watchdog = null;
  });
  worker.on("message", (message: { stopped?: boolean }) => {
    if (message.stopped !== true || pendingStop === undefined) return;
    worker.unref();
    Atomics.store(slots, SLOT.stopping, 0);
    const error = pendingStop;
    pendingStop = undefined;
    const slot = stoppedSlot();
    stopped = undefined;
    slot.reject(error);
  });
  // After the listeners, which would hold the process otherwise: the watchdog never keeps Kiln running.
  worker.unref();
  const slots = new Int32Array(shared);
  (globalThis as Record<symbol, unknown>)[Symbol.for(STOP_HOOK)] = onStopReport;
  return { worker, slots };
}

/** Starts the watchdog (once per process) and sets its limits for the evaluations to come. */
export function configureEvaluation(limits: EvaluationLimits): void {
  if (watchdog === undefined) watchdog = startWatchdog();
  if (watchdog === null) return;
  const heapLimitMiB = Math.floor(getHeapStatistics().heap_size_limit / 1048576);
  Atomics.store(watchdog.slots, SLOT.timeoutMs, limits.timeoutSeconds === undefined ? 0 : Math.max(1, Math.round(limits.timeoutSeconds * 1000)));
  Atomics.store(watchdog.slots, SLOT.memoryMiB, limits.memoryMiB ?? Math.floor(heapLimitMiB * 0.8));
  if (limits.label !== undefined) watchdog.worker.postMessage({ label: limits.label });
  Atomics.store(watchdog.slots, SLOT.progress, limits.progress === true ? 1 : 0);
}

function clearSpinner(slots: Int32Array): void {
  withSpinnerLock(slots, () => {
    if (Atomics.load(slots, SLOT.shown) === 1) process.stderr.write("\r\x1b[K");
    Atomics.store(slots, SLOT.shown, 0);
  });
}

/** How long the first evaluation waits, at most, for the watchdog thread's isolate to be set up. */
const ISOLATE_SETUP_WAIT_MS = 1000;
/** How long setting up an isolate's heap takes, at most, once the thread has settled its limits (well under 1 ms measured). */
const HEAP_SETUP_MARGIN_MS = 5;

let flagsRestored = false;

/**
 * Before the first evaluation, when the program keeps V8 flags for the process (see `process-v8-flags.ts`): sets them
 * again once the watchdog thread's isolate has been set up, which undid them. Evaluating before would let V8 grow the
 * young generation for good. The thread settles its resource limits (readable here) just before it sets up its
 * isolate's heap, 2 to 3 ms after it was started, then takes 20 to 50 ms more to start Node in it, so this waits for
 * the limits and a margin, not for the whole start. The thread sets the flags again too when it runs, should its
 * isolate have taken longer than the margin.
 */
function restoreProcessFlags(worker: Worker): void {
  if (flagsRestored) return;
  flagsRestored = true;
  if (processV8Flags().length === 0) return;
  const nap = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const start = performance.now();
  try {
    while (!((worker.resourceLimits?.maxYoungGenerationSizeMb ?? 0) > 0) && performance.now() - start < ISOLATE_SETUP_WAIT_MS) Atomics.wait(nap, 0, 0, 0.5);
  } catch {
    // A thread that has already ended has no limits to read: its isolate is long set up.
  }
  Atomics.wait(nap, 0, 0, HEAP_SETUP_MARGIN_MS);
  reapplyProcessV8Flags();
}

function begin(): void {
  if (depth++ === 0 && watchdog) {
    restoreProcessFlags(watchdog.worker);
    Atomics.store(watchdog.slots, SLOT.state, 1);
  }
}

function end(): void {
  if (depth === 0) return;
  if (--depth === 0 && watchdog) {
    Atomics.store(watchdog.slots, SLOT.state, 0);
    clearSpinner(watchdog.slots);
  }
}

/** Runs `run` (config code: a getter, say) as evaluation, watched by the watchdog. */
export function duringEvaluation<T>(run: () => T): T {
  begin();
  try {
    return run();
  } finally {
    end();
  }
}

/** Awaits `promise` (config code running: an import, a default export promise) as evaluation, or rejects when the watchdog stops it. */
export async function awaitEvaluation<T>(promise: () => Promise<T>): Promise<T> {
  begin();
  try {
    return await Promise.race([promise(), evaluationStopped()]);
  } finally {
    end();
  }
}
