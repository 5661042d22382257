/**
 * Finding a build's processes: the machine's count of processes made (read
 * again and again through one descriptor), and the sweep after a builder
 * ends, which stops a process it left outside its session.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { killBuildProcesses, processesCreated, processStartTime } from "../../src/realise/build-processes.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kiln-build-processes-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? "");
  } catch {
    return false;
  }
}

/** The session of process `pid` (field 6 of its stat), or `undefined` if it is gone. */
function sessionOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3]);
  } catch {
    return undefined;
  }
}

describe("a build's processes", () => {
  it("are counted as the machine makes them, each read of the count fresh", () => {
    const before = processesCreated() as number;
    expect(Number.isInteger(before)).toBe(true);
    spawnSync("/bin/true");
    const between = processesCreated() as number;
    spawnSync("/bin/true");
    spawnSync("/bin/true");
    const after = processesCreated() as number;
    expect(between - before).toBeGreaterThanOrEqual(1);
    expect(after - between).toBeGreaterThanOrEqual(2);
  });

  it("include one the builder left running in a session of its own, which the sweep stops", async () => {
    const buildTop = join(dir, "build");
    const pidFile = join(dir, "escaped");
    const createdBefore = processesCreated();
    const builder = spawn("/bin/sh", ["-c", `setsid sleep 300 & echo $! > ${pidFile}`], { detached: true, stdio: "ignore", env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", NIX_BUILD_TOP: buildTop } });
    const pid = builder.pid as number;
    const startTime = processStartTime(pid);
    await new Promise((resolve) => builder.once("exit", resolve));
    const escaped = Number(readFileSync(pidFile, "utf8").trim());
    // Until it has its own session it is in the builder's group, which is killed first: wait, so that only the sweep can find it.
    for (let tries = 0; sessionOf(escaped) !== escaped && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sessionOf(escaped)).toBe(escaped);
    expect(killBuildProcesses(pid, { buildTop, ...(createdBefore !== undefined ? { createdBefore } : {}), ...(startTime !== undefined ? { startTime } : {}) })).toBeGreaterThanOrEqual(1);
    for (let tries = 0; alive(escaped) && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alive(escaped)).toBe(false);
  });
});
