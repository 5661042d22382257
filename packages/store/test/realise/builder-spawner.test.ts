import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { derivation, type Derivation } from "@kiln/formats";
import { findBubblewrap } from "../../src/index.js";
import { BuilderSpawner, BuilderSpawnerError, SPAWNER_MIN_BUILDS, type BuilderEvents } from "../../src/realise/builder-spawner.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

let t: TemporaryStore;
beforeEach(() => {
  t = temporaryStore();
});
afterEach(() => t.dispose());

/** A derivation running a shell script, with the host's tools on its PATH. */
function sh(name: string, script: string): Derivation {
  return derivation({ name, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", script], PATH: "/usr/bin:/bin" });
}

/** Trivial builds for `d`'s script to name, so that a realisation has enough builds to use a spawner. */
function padding(tag: string): string {
  return Array.from({ length: SPAWNER_MIN_BUILDS }, (_, i) => String(sh(`pad-${tag}-${i}`, 'echo > "$out"'))).join(" ");
}

/** The ids of this process's children running the builder spawner (its command line holds the program). */
function spawnerProcesses(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, "latin1").includes("builderSpawnerProgram")) found.push(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Whether process `pid` is running (a zombie is not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? "");
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 400) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the builder spawner", () => {
  it("starts the builders of a realisation of enough builds, and is gone when the realisation returns; a smaller one starts its own", async () => {
    const alone = sh("spawned-alone", 'echo $PPID > "$out"');
    await t.realise([alone]);
    expect(Number(readFileSync(alone.outPath, "utf8"))).toBe(process.pid);
    const a = sh("spawned-a", 'echo a > "$out"');
    const b = sh("spawned-b", `echo $PPID > "$out"; cat ${a} >> "$out"; : ${padding("b")}`);
    const result = await t.realise([b], { jobs: 2 });
    expect(result.failed).toEqual([]);
    expect(readFileSync(b.outPath, "utf8").split("\n")[1]).toBe("a");
    // The builder's parent was not this process: the spawner.
    expect(Number(readFileSync(b.outPath, "utf8").split("\n")[0])).not.toBe(process.pid);
    expect(spawnerProcesses()).toEqual([]);
  });

  it.runIf(findBubblewrap() !== undefined)("starts sandboxed builders too, each in bubblewrap's PID namespace, and stops a timed-out one", async () => {
    // In the sandbox only the shell's builtins: its PID is 2 (bwrap's init is 1), and its parent is not this process.
    const d = sh("spawned-sandboxed", `echo $$ $PPID > "$out"; : ${padding("sandboxed")}`);
    expect((await t.realise([d], { sandbox: true })).failed).toEqual([]);
    expect(readFileSync(d.outPath, "utf8").trim()).toBe("2 1");
    const stuck = sh("spawned-sandboxed-stuck", `: ${padding("sandboxed-stuck")}; while :; do :; done`);
    const result = await t.realise([stuck], { sandbox: true, timeout: 1 });
    expect(result.failed.map((failure) => failure.message)).toEqual([`building of '${stuck.drvPath}' timed out after 1 seconds`]);
    expect(spawnerProcesses()).toEqual([]);
  });

  it("a build stopped by its timeout leaves no process running, not even one that left its session", async () => {
    const pids = join(t.root, "pids");
    const d = sh("spawned-timeout", `: ${padding("timeout")}; setsid sleep 300 & echo $! > ${pids}; echo $$ >> ${pids}; sleep 300`);
    const result = await t.realise([d], { timeout: 1 });
    expect(result.failed.map((failure) => failure.message)).toEqual([`building of '${d.drvPath}' timed out after 1 seconds`]);
    const [escaped, builder] = readFileSync(pids, "utf8").trim().split("\n").map(Number);
    expect(escaped !== undefined && running(escaped)).toBe(false);
    expect(builder !== undefined && running(builder)).toBe(false);
    expect(t.store.isValid(d.outPath)).toBe(false);
    expect(spawnerProcesses()).toEqual([]);
  });

  it("a builder that ends leaving a process outside its session holding its output pipes succeeds, and that process is stopped", async () => {
    const pids = join(t.root, "escaped");
    const d = sh("spawned-held-pipes", `: ${padding("held")}; setsid sleep 300 & echo $! > ${pids}; echo built > "$out"`);
    const result = await t.realise([d]);
    expect(result.failed).toEqual([]);
    expect(readFileSync(d.outPath, "utf8")).toBe("built\n");
    const escaped = Number(readFileSync(pids, "utf8").trim());
    expect(running(escaped)).toBe(false);
    expect(spawnerProcesses()).toEqual([]);
  });

  it("when the spawner is killed mid-build, every running build fails with its error, its builder is stopped and nothing is registered", async () => {
    const started = (name: string): string => join(t.root, `${name}.pid`);
    const slow = (name: string): Derivation => sh(name, `mkdir -p "$out"; echo partial > "$out/a"; echo $$ > ${started(name)}.tmp; mv ${started(name)}.tmp ${started(name)}; sleep 300; echo done > "$out/b"`);
    const left = slow("spawner-killed-left");
    const right = slow("spawner-killed-right");
    const top = sh("spawner-killed-top", `cat ${left}/a ${right}/a > "$out"; : ${padding("killed")}`);
    const realising = t.realise([top], { jobs: 2, keepGoing: true });
    await waitFor(() => existsSync(started("spawner-killed-left")) && existsSync(started("spawner-killed-right")));
    const [spawner] = spawnerProcesses();
    expect(spawner).toBeDefined();
    process.kill(spawner as number, "SIGKILL");
    const result = await realising;
    const byDrv = new Map(result.failed.map((failure) => [failure.drvPath, failure.message]));
    for (const d of [left, right]) {
      expect(byDrv.get(d.drvPath)).toMatch(new RegExp(`^the process that starts Kiln's builders \\(pid ${spawner}\\) ended while '${d.drvPath}' was building \\(it was killed by signal SIGKILL\\)`));
      expect(running(Number(readFileSync(started(d.name), "utf8")))).toBe(false);
      expect(t.store.isValid(d.outPath)).toBe(false);
      expect(existsSync(d.outPath)).toBe(false);
    }
    expect(byDrv.get(top.drvPath)).toMatch(/^dependency '.*' failed$/);
    expect(result.built.filter((drvPath) => !drvPath.includes("-pad-"))).toEqual([]);
    expect(spawnerProcesses()).toEqual([]);
  });

  it("reports a builder that cannot be started, and one started after a spawner died runs in a new spawner", async () => {
    const spawner = new BuilderSpawner(100);
    const run = (command: string): Promise<{ outcome: string; output: string }> =>
      new Promise((resolve) => {
        let output = "";
        const events: BuilderEvents = {
          started: () => {},
          output: (chunk) => (output += chunk.toString()),
          exited: () => {},
          closed: (code) => resolve({ outcome: `exit ${code}`, output }),
          failed: (error) => resolve({ outcome: error instanceof BuilderSpawnerError ? "spawner died" : `cannot start: ${String(error)}`, output }),
        };
        spawner.spawn("/x.drv", { command, args: ["-c", "echo hello; sleep 300"], env: {}, cwd: t.root }, events);
      });
    try {
      expect((await run("/nonexistent/builder")).outcome).toMatch(/^cannot start: .*ENOENT/);
      const first = run("/bin/sh");
      await waitFor(() => spawnerProcesses().length === 1);
      process.kill(spawnerProcesses()[0] as number, "SIGKILL");
      expect((await first).outcome).toBe("spawner died");
      const second = run("/bin/sh");
      await waitFor(() => spawnerProcesses().length === 1);
      for (const pid of spawnerProcesses()) process.kill(pid, "SIGTERM");
      expect((await second).outcome).toBe("spawner died");
    } finally {
      await spawner.close();
    }
  });
});
