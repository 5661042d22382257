/**
 * The thread that watches a config's evaluation from outside, for
 * `evaluation-watchdog.ts`: a config stuck in a loop holds the main thread,
 * so no timer or signal handler of its own can run there. Nix stops a
 * runaway evaluation on Ctrl-C and names where it was; this thread does the
 * same through the inspector: it pauses the main thread, reads where it is,
 * hands that to the main thread's stop hook, and ends the stuck JavaScript.
 *
 * It draws the "evaluating …" spinner on a terminal (the main thread cannot
 * while it is busy), counts evaluation time against `--eval-timeout`, checks
 * the memory evaluation added (resident memory, which it can read without
 * stopping the main thread) against the bound, and catches Ctrl-C while
 * evaluating.
 */
import { writeSync } from "node:fs";
import { Session } from "node:inspector";
import { setFlagsFromString } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { SLOT, STOP_HOOK, withSpinnerLock, type StopReport, type WatchdogData } from "./evaluation-watchdog-protocol.js";

const { shared, tty, v8Flags } = workerData as WatchdogData;
const slots = new Int32Array(shared);
// First thing: starting this thread's isolate undid the process's V8 flags (see `process-v8-flags.ts`). The main thread
// sets them again once the isolate is set up (`restoreProcessFlags`); should that have taken longer than it waited, they
// are set again from here (they are process-wide).
for (const flag of v8Flags) setFlagsFromString(flag);
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const TICK_MS = 50;
/** How long the main thread may take to pause before Kiln gives up on naming the place. */
const PAUSE_GRACE_MS = 3000;

let label = "the config";
parentPort?.on("message", (message: { label?: string }) => {
  if (typeof message.label === "string") label = message.label;
});

// Connected only to stop an evaluation: a session still connected when Kiln exits makes Node print "Waiting for the debugger to disconnect".
const session = new Session();

let windowStart = 0;
let total = 0;
let lastTick = Date.now();
let frame = 0;
let stopping = false;
/** The process's resident memory when evaluation began, to measure what evaluation added. */
let baseline = 0;

/** Ctrl-C, heard here while the main thread evaluates (Node's own handlers there cannot run). */
type SignalHandle = { onsignal: (() => void) | null; start(signal: number): number; close(): void; unref(): void };
let sigint: SignalHandle | undefined;

function watchInterrupts(on: boolean): void {
  if (on && sigint === undefined) {
    try {
      // Node keeps process signals from worker threads; its signal binding still hears them.
      process.noDeprecation = true;
      const binding = (process as unknown as { binding(name: string): { Signal: new () => SignalHandle } }).binding("signal_wrap");
      const handle = new binding.Signal();
      handle.onsignal = () => {
        if (Atomics.load(slots, SLOT.state) === 1) stop({ reason: "interrupt", frames: [], detail: 0 });
        else {
          // Not evaluating any more: give Ctrl-C back to Node, as if this thread never heard it.
          watchInterrupts(false);
          process.kill(process.pid, "SIGINT");
        }
      };
      handle.start(2);
      handle.unref();
      sigint = handle;
    } catch {
      // No signal binding: Ctrl-C ends Kiln as Node's default does, without the place.
    }
  } else if (!on && sigint !== undefined) {
    sigint.close();
    sigint = undefined;
  }
}

function stop(report: StopReport): void {
  if (stopping) return;
  try {
    session.connectToMainThread();
  } catch {
    // Without an inspector (a Node built without one) evaluation cannot be stopped from here.
    return;
  }
  stopping = true;
  Atomics.store(slots, SLOT.stopping, 1);
  const giveUp = setTimeout(() => {
    // The main thread is blocked outside JavaScript (a synchronous child process, say): say so, and end.
    writeSync(2, `\r\x1b[Kerror: ${label}: evaluation stopped (${report.reason}); Kiln could not tell where it was\n`);
    process.kill(process.pid, report.reason === "interrupt" ? "SIGINT" : "SIGKILL");
  }, PAUSE_GRACE_MS);
  // Paused frames name their script by id; enabling the debugger announces every script with its URL first.
  const scripts = new Map<string, string>();
  session.on("Debugger.scriptParsed", (message) => {
    const { scriptId, url } = message.params as { scriptId: string; url: string };
    scripts.set(scriptId, url);
  });
  session.once("Debugger.paused", (message) => {
    clearTimeout(giveUp);
    const callFrames = (message.params as { callFrames: { url: string; location: { scriptId: string; lineNumber: number; columnNumber?: number } }[] }).callFrames;
    const frames = callFrames.map((item) => ({
      url: item.url || (scripts.get(item.location.scriptId) ?? ""),
      line: item.location.lineNumber + 1,
      column: (item.location.columnNumber ?? 0) + 1,
    }));
    const expression = `globalThis[Symbol.for(${JSON.stringify(STOP_HOOK)})]?.(${JSON.stringify({ ...report, frames })})`;
    session.post("Runtime.evaluate", { expression }, () => {
      // Ends the stuck JavaScript; the main thread carries on with its event loop and reports.
      session.post("Runtime.terminateExecution", () => {
        session.disconnect();
        parentPort?.postMessage({ stopped: true });
      });
      session.post("Debugger.resume");
    });
  });
  session.post("Debugger.enable");
  session.post("Debugger.pause");
}

function draw(text: string): void {
  withSpinnerLock(slots, () => {
    if (text === "") {
      if (Atomics.load(slots, SLOT.shown) === 1) writeSync(2, "\r\x1b[K");
      Atomics.store(slots, SLOT.shown, 0);
    } else if (Atomics.load(slots, SLOT.state) === 1) {
      writeSync(2, `\r\x1b[K${text}`);
      Atomics.store(slots, SLOT.shown, 1);
    }
  });
}

// A referenced timer: this thread lives as long as the process (the main thread does not wait for it).
setInterval(() => {
  const now = Date.now();
  const evaluating = Atomics.load(slots, SLOT.state) === 1;
  const elapsed = now - lastTick;
  lastTick = now;
  if (!evaluating) {
    windowStart = 0;
    watchInterrupts(false);
    if (Atomics.load(slots, SLOT.shown) === 1) draw("");
    return;
  }
  if (windowStart === 0) windowStart = now;
  else total += elapsed;
  watchInterrupts(true);
  if (stopping) return;
  const timeout = Atomics.load(slots, SLOT.timeoutMs);
  if (timeout > 0 && total >= timeout) {
    stop({ reason: "timeout", frames: [], detail: timeout });
    return;
  }
  // Resident memory is the process's, readable from here without disturbing the main thread.
  const memory = Atomics.load(slots, SLOT.memoryMiB);
  const resident = process.memoryUsage.rss();
  if (baseline === 0) baseline = resident;
  if (memory > 0 && resident - baseline > memory * 1048576) {
    stop({ reason: "memory", frames: [], detail: memory });
    return;
  }
  if (tty && Atomics.load(slots, SLOT.progress) === 1 && now - windowStart >= 1000) {
    frame = (frame + 1) % FRAMES.length;
    draw(`${FRAMES[frame]} evaluating ${label} (${Math.floor((now - windowStart) / 1000)} s)`);
  }
}, TICK_MS);
