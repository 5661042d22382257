/**
 * What the main thread and the evaluation watchdog thread share: the slots
 * of their shared memory, its lock, and the shape of a stop report.
 */

/** Indexes into the shared `Int32Array`. */
export const SLOT = {
  /** 1 while the main thread evaluates config code, else 0. */
  state: 0,
  /** Held (1) by whoever writes the spinner line. */
  lock: 1,
  /** 1 while a spinner line is on the terminal. */
  shown: 2,
  /** `--eval-timeout` in milliseconds, 0 for none. */
  timeoutMs: 3,
  /** The heap bound in MiB, 0 for none. */
  memoryMiB: 4,
  /** 1 once the watchdog began stopping an evaluation. */
  stopping: 5,
  /** 1 to draw the spinner (on a terminal only). */
  progress: 6,
} as const;

/** How many slots there are. */
export const SLOT_COUNT = 7;

/** The global symbol key of the main thread's stop hook, called through the inspector. */
export const STOP_HOOK = "kiln.evaluation-stop";

/** Runs `run` holding the spinner lock, so that the two threads never write half a line each. */
export function withSpinnerLock(slots: Int32Array, run: () => void): void {
  while (Atomics.compareExchange(slots, SLOT.lock, 0, 1) !== 0) Atomics.wait(slots, SLOT.lock, 1, 5);
  try {
    run();
  } finally {
    Atomics.store(slots, SLOT.lock, 0);
    Atomics.notify(slots, SLOT.lock);
  }
}

/** What the watchdog thread starts with. */
export interface WatchdogData {
  readonly shared: SharedArrayBuffer;
  /** Whether standard error is a terminal (draw the spinner). */
  readonly tty: boolean;
  /** The process's V8 flags to set again once the thread runs (its isolate's start undid them, see `process-v8-flags.ts`). */
  readonly v8Flags: readonly string[];
}

/** A frame of the paused main thread, as the inspector gives it (1-based). */
export interface PausedFrame {
  readonly url: string;
  readonly line: number;
  readonly column: number;
}

/** Why and where the watchdog stopped an evaluation. */
export interface StopReport {
  readonly reason: "timeout" | "memory" | "interrupt";
  /** The timeout in milliseconds, or the memory bound in MiB. */
  readonly detail: number;
  readonly frames: readonly PausedFrame[];
}
