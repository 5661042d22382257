/**
 * Stopping every process a build started before its outputs are taken, as
 * Nix kills its build user's processes: a process the builder left in the
 * background could otherwise rewrite an output after it was hashed and
 * registered. The builder runs in a session and process group of its own;
 * both are killed, and so is any process that left them (`setsid`) but
 * still carries the build's unique `NIX_BUILD_TOP` in its environment. In
 * the sandbox the PID namespace does this already: when bwrap's init exits,
 * the kernel kills everything in it.
 */
import { readdirSync, readFileSync } from "node:fs";

/** How many times the process table is swept: a process forking while it is killed may need another pass. */
const SWEEPS = 5;

/**
 * Kills (SIGKILL) process group `pgid` and every process in its session or,
 * when `buildTop` is given (an unsandboxed build's unique build directory),
 * with it as `NIX_BUILD_TOP`. Returns how many processes were found.
 */
export function killBuildProcesses(pgid: number, buildTop?: string): number {
  const marker = buildTop === undefined ? undefined : Buffer.from(`\0NIX_BUILD_TOP=${buildTop}\0`);
  let killed = 0;
  signal(-pgid);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let found = 0;
    for (const entry of safeReaddir("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === process.pid) continue;
      if (belongsToBuild(pid, pgid, marker)) {
        found++;
        signal(pid);
      }
    }
    killed += found;
    if (found === 0) break;
  }
  return killed;
}

/** Whether live process `pid` is in the build's group or session, or has its environment. */
function belongsToBuild(pid: number, pgid: number, marker: Buffer | undefined): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return false;
  }
  // Fields after the parenthesised command name: state, ppid, pgrp, session.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return false;
  if (Number(fields[2]) === pgid || Number(fields[3]) === pgid) return true;
  if (marker === undefined) return false;
  try {
    const environment = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${pid}/environ`)]);
    return environment.includes(marker);
  } catch {
    // Another user's process: not ours to see, and not the build's.
    return false;
  }
}

function signal(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
