/**
 * Stopping every process a build started before its outputs are taken, as
 * Nix kills its build user's processes: a process the builder left in the
 * background could otherwise rewrite an output after it was hashed and
 * registered. The builder runs in a session and process group of its own;
 * both are killed, and so is any process that left them (`setsid`) but
 * still carries the build's unique `NIX_BUILD_TOP` in its environment. In
 * the sandbox the PID namespace does this already: when bwrap's init exits,
 * the kernel kills everything in it, so only the group is killed there and
 * the process table is not swept (a sweep costs milliseconds per build).
 * Unsandboxed, only processes started since the builder can carry its
 * environment, so only theirs is read; and since Linux hands out process
 * ids in turn, those are the ids from the builder's up to the newest one,
 * so only they are looked at at all (unless so many processes were made
 * meanwhile that the ids may have come round again). When the machine made
 * just one process since then, the builder itself, there is nothing to sweep.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";

/** How many times the process table is swept: a process forking while it is killed may need another pass. */
const SWEEPS = 5;

/** Where a build's processes can be. */
export interface BuildProcessScope {
  /** The build runs in a PID namespace of its own (the sandbox), which the kernel empties when the build's first process ends. */
  readonly pidNamespace?: boolean;
  /** An unsandboxed build's unique build directory: a process with it as `NIX_BUILD_TOP` is the build's, wherever it went. */
  readonly buildTop?: string;
  /** The builder's start time (see {@link processStartTime}): processes started before it are not the build's, and their environment is not read. */
  readonly startTime?: number;
  /**
   * With the builder's process id as the group: {@link processesCreated} read
   * before the builder was started. Only processes with ids from the
   * builder's to the newest can then be the build's, and only they are read.
   */
  readonly createdBefore?: number;
  /** The process group has been killed already (the native spawner kills it when it reaps the builder). */
  readonly groupKilled?: boolean;
}

/** `/proc/sys/kernel/pid_max`, read once: ids come round after this many (less the 300 Linux reserves). */
let pidMax: number | undefined;

/** `/proc/stat`, open for as long as this process runs: read again from its start, the kernel writes it anew. */
let procStat: number | undefined;
let procStatBuffer = Buffer.allocUnsafe(1 << 14);

/** The text of `/proc/stat`, read through the descriptor kept open: an open and a close less, twice per build. */
function readProcStat(): string {
  procStat ??= openSync("/proc/stat", "r");
  let length = 0;
  for (;;) {
    if (length === procStatBuffer.length) {
      const larger = Buffer.allocUnsafe(length * 2);
      procStatBuffer.copy(larger);
      procStatBuffer = larger;
    }
    const read = readSync(procStat, procStatBuffer, length, procStatBuffer.length - length, length);
    if (read === 0) return procStatBuffer.toString("latin1", 0, length);
    length += read;
  }
}

/** How many processes (and threads) this machine has made since boot (`processes` in `/proc/stat`), or `undefined` if unknown. */
export function processesCreated(): number | undefined {
  let text: string;
  try {
    text = readProcStat();
  } catch {
    return undefined;
  }
  const match = /^processes (\d+)$/m.exec(text);
  return match === null ? undefined : Number(match[1]);
}

/** `/proc/loadavg`, open for as long as this process runs, as `/proc/stat` is. */
let procLoadavg: number | undefined;

/** The id most recently given to a process in this PID namespace (the last field of `/proc/loadavg`), or `undefined`. */
function newestProcessId(): number | undefined {
  try {
    procLoadavg ??= openSync("/proc/loadavg", "r");
    const text = procStatBuffer.toString("latin1", 0, readSync(procLoadavg, procStatBuffer, 0, procStatBuffer.length, 0));
    const last = Number(text.trim().split(" ").pop());
    return Number.isInteger(last) && last > 0 ? last : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The ids a build's processes can have: from `first` (the builder's) up to
 * the newest id, going round at `pid_max`. `undefined` (every process must
 * be looked at) when that is not known, or when enough processes were made
 * since `createdBefore` for the ids to have come round past the builder's.
 */
function idsSince(first: number, createdBefore: number | undefined): IdRange | undefined {
  if (createdBefore === undefined) return undefined;
  const newest = newestProcessId();
  const created = processesCreated();
  if (newest === undefined || created === undefined) return undefined;
  if (pidMax === undefined) {
    try {
      pidMax = Number(readFileSync("/proc/sys/kernel/pid_max", "latin1").trim());
    } catch {
      return undefined;
    }
  }
  const max = pidMax;
  if (!Number.isInteger(max) || created - createdBefore >= max - 301) return undefined;
  const wraps = first > newest;
  return {
    count: wraps ? max - first + newest : newest - first + 1,
    has: wraps ? (pid) => pid >= first || pid <= newest : (pid) => pid >= first && pid <= newest,
    *ids() {
      // Most ids in the run belong to processes that have ended already: a failed look costs less than a failed open.
      for (let pid = first; pid <= (wraps ? max - 1 : newest); pid++) if (existsSync(`/proc/${pid}`)) yield pid;
      if (wraps) for (let pid = 1; pid <= newest; pid++) if (existsSync(`/proc/${pid}`)) yield pid;
    },
  };
}

/** A run of process ids, going round at `pid_max`. */
interface IdRange {
  /** How many ids it holds (at most). */
  readonly count: number;
  readonly has: (pid: number) => boolean;
  readonly ids: () => Iterable<number>;
}

/** Up to this many ids since the builder's are read one by one rather than by listing `/proc`, which holds every process. */
const PROBED_IDS = 32;

/** The ids of every process in `/proc`. */
function everyProcessId(): number[] {
  return safeReaddir("/proc")
    .map(Number)
    .filter((pid) => Number.isInteger(pid));
}

/**
 * Kills (SIGKILL) process group `pgid` and, outside a PID namespace, every
 * process in its session or, when `scope.buildTop` is given, with it as
 * `NIX_BUILD_TOP`. Returns how many processes were found by sweeping.
 */
export function killBuildProcesses(pgid: number, scope: BuildProcessScope = {}): number {
  const marker = scope.buildTop === undefined ? undefined : Buffer.from(`\0NIX_BUILD_TOP=${scope.buildTop}\0`);
  let killed = 0;
  if (scope.groupKilled !== true) signal(-pgid);
  if (scope.pidNamespace === true) return 0;
  // No process has been made since the builder (ids are handed out in turn), or the machine made one process
  // since the builder was asked for, which was the builder: it started nothing to sweep for.
  if (scope.createdBefore !== undefined && (newestProcessId() === pgid || processesCreated() === scope.createdBefore + 1)) return 0;
  const swept = new Set<number>();
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let found = 0;
    const range = idsSince(pgid, scope.createdBefore);
    for (const pid of range === undefined ? everyProcessId() : range.count <= PROBED_IDS ? range.ids() : everyProcessId().filter(range.has)) {
      if (pid === process.pid) continue;
      if (belongsToBuild(pid, pgid, marker, scope.startTime)) {
        found++;
        swept.add(pid);
        signal(pid);
      }
    }
    killed += found;
    if (found === 0) break;
  }
  waitUntilEnded(swept);
  return killed;
}

/** How long the sweep waits at most for the processes it killed to have ended. */
const ENDING_WAIT_MS = 500;

/**
 * Waits (briefly, blocking) until the processes `pids`, just sent SIGKILL,
 * have ended (are zombies or gone): a killed process closes its files, the
 * build's pipes among them, before it has quite ended, and one that lost the
 * processor in between would still be running when the build is done.
 */
function waitUntilEnded(pids: ReadonlySet<number>): void {
  if (pids.size === 0) return;
  const deadline = Date.now() + ENDING_WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const pid of pids) {
    while (Date.now() < deadline) {
      const stat = readStat(pid);
      const state = stat === undefined ? undefined : stat[stat.lastIndexOf(")") + 2];
      if (state === undefined || state === "Z" || state === "X") break;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/** One buffer for every `/proc/<pid>/stat` read: `readFileSync` would allocate 64 KiB for each of a few hundred files per sweep. */
const statBuffer = Buffer.allocUnsafe(4096);

/** The text of `/proc/<pid>/stat` (always well under 4 KiB), or `undefined` if the process is gone. */
function readStat(pid: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/stat`, "r");
  } catch {
    return undefined;
  }
  try {
    return statBuffer.toString("latin1", 0, readSync(fd, statBuffer, 0, statBuffer.length, 0));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The start time of process `pid` in clock ticks since boot (`/proc/<pid>/stat` field 22), or `undefined` if it is gone. */
export function processStartTime(pid: number): number | undefined {
  const stat = readStat(pid);
  return stat === undefined ? undefined : startTimeOfStat(stat);
}

/** The start time in a process's `/proc/<pid>/stat` text (see {@link processStartTime}), or `undefined` if it has none. */
export function startTimeOfStat(stat: string): number | undefined {
  const time = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  return Number.isInteger(time) ? time : undefined;
}

/** Whether live process `pid` is in the build's group or session, or (started since `startTime`) has its environment. */
function belongsToBuild(pid: number, pgid: number, marker: Buffer | undefined, startTime: number | undefined): boolean {
  const stat = readStat(pid);
  if (stat === undefined) return false;
  // Fields after the parenthesised command name: state, ppid, pgrp, session.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return false;
  if (Number(fields[2]) === pgid || Number(fields[3]) === pgid) return true;
  if (marker === undefined) return false;
  if (startTime !== undefined && Number(fields[19]) < startTime) return false;
  try {
    const environment = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${pid}/environ`)]);
    return environment.includes(marker);
  } catch {
    // Another user's process: not ours to see, and not the build's.
    return false;
  }
}

function signal(pid: number): void {
  // Mostly the group has ended already, and the error says only that: a stack trace would cost more than the kill.
  const traceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  } finally {
    Error.stackTraceLimit = traceLimit;
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
