import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuilderSpawner, type BuilderCommand, type BuilderEvents } from "../../src/realise/builder-spawner.js";
import { nativeSpawnerProgram } from "../../src/realise/native-spawner.js";

let root = "";
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-native-spawner-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What a builder did, as its spawner reported it, in order. */
interface Run {
  readonly events: string[];
  readonly output: string;
  readonly pid: number | undefined;
  readonly startTime: number | undefined;
  readonly code: number | null | undefined;
  readonly signal: NodeJS.Signals | null | undefined;
  readonly error: string | undefined;
}

/** Runs `script` with /bin/sh through `spawner`; resolves when it is closed or failed. `onEvent` sees each event as it comes. */
function run(spawner: BuilderSpawner, script: string, command: Partial<BuilderCommand> = {}, onEvent?: (event: string) => void): Promise<Run> {
  return new Promise((resolve) => {
    const events: string[] = [];
    let output = "";
    let pid: number | undefined;
    let startTime: number | undefined;
    const seen = (event: string): void => {
      events.push(event);
      onEvent?.(event);
    };
    const done = (code: number | null | undefined, signal: NodeJS.Signals | null | undefined, error: string | undefined): void =>
      resolve({ events, output, pid, startTime, code, signal, error });
    const listener: BuilderEvents = {
      started: (builderPid, builderStart) => {
        pid = builderPid;
        startTime = builderStart;
        seen("started");
      },
      output: (chunk) => (output += chunk.toString()),
      exited: () => seen("exited"),
      closed: (code, signal) => {
        seen("closed");
        done(code, signal, undefined);
      },
      failed: (error) => {
        seen("failed");
        done(undefined, undefined, String(error));
      },
    };
    spawner.spawn("/x.drv", { command: "/bin/sh", args: ["-c", script], env: { PATH: "/usr/bin:/bin", ...command.env }, cwd: root, ...command }, listener);
  });
}

/** Process `pid`'s fields after its name (state first), or `undefined` once it is gone (a zombie counts as gone). */
function statOf(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" || fields[0] === "X" ? undefined : fields;
  } catch {
    return undefined;
  }
}

/** Whether process `pid` has ended, or has been sent SIGKILL (pending, not delivered yet): a kill sent before a message is seen with it. */
function killedOrDying(pid: number): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "latin1");
  } catch {
    return true;
  }
  if (/^State:\s*[ZX]/m.test(status)) return true;
  const pending = /^ShdPnd:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? "0";
  return (BigInt(`0x${pending}`) & (1n << 8n)) !== 0n;
}

/** Runs `body` with environment variables set, restoring them after. */
async function withEnv(variables: Record<string, string>, body: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    await body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 400) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("the native builder spawner", () => {
  it("is compiled once into Kiln's cache directory, named by its source's hash", async () => {
    await withEnv({ KILN_CACHE_DIR: join(root, "cache") }, async () => {
      const program = await nativeSpawnerProgram();
      expect(program).toMatchObject({ path: expect.stringMatching(/builderSpawnerProgram-[0-9a-f]{32}$/) });
      const path = "path" in program ? program.path : "";
      // Only the program: its temporary name was renamed.
      expect(readdirSync(dirname(path))).toEqual([basename(path)]);
      expect(dirname(path)).toBe(join(root, "cache", "builder-spawner"));
      expect(await nativeSpawnerProgram()).toEqual(program);
      // Once compiled, the compiler is not needed any more.
      expect(await nativeSpawnerProgram("/nonexistent/cc")).toEqual(program);
    });
  });

  it("starts a builder in a session of its own with standard input empty, forwards its output and error, and reports its pid, start time and exit code", async () => {
    const spawner = new BuilderSpawner();
    try {
      const result = await run(spawner, `echo out; echo err >&2; cat; echo "session $(cut -d' ' -f6 /proc/$$/stat) pid $$ in $(pwd)"; exit 3`);
      expect(spawner.native).toBe(true);
      expect(result.events).toEqual(["started", "exited", "closed"]);
      expect(result.code).toBe(3);
      expect(result.signal).toBeNull();
      expect(result.output).toBe(`out\nerr\nsession ${result.pid} pid ${result.pid} in ${root}\n`);
      expect(result.startTime).toEqual(expect.any(Number));
    } finally {
      await spawner.close();
    }
  });

  it("gives a builder no blocked or ignored signal, whatever Kiln's process ignores", async () => {
    const spawner = new BuilderSpawner();
    const ignored = process.listenerCount("SIGPIPE");
    try {
      // Node ignores SIGPIPE itself, and the spawner does too. The builder's own state, as it exec'd grep.
      const result = await run(spawner, "exec grep -E '^Sig(Blk|Ign)' /proc/self/status");
      expect(spawner.native).toBe(true);
      expect(result.output).toBe("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
    } finally {
      expect(process.listenerCount("SIGPIPE")).toBe(ignored);
      await spawner.close();
    }
  });

  it("reports a builder killed by a signal by the signal's name, and one that cannot be started by its error", async () => {
    const spawner = new BuilderSpawner();
    try {
      const killed = await run(spawner, "kill -TERM $$");
      expect(killed).toMatchObject({ code: null, signal: "SIGTERM" });
      const missing = await run(spawner, "", { command: "/nonexistent/builder" });
      expect(missing.events).toEqual(["failed"]);
      expect(missing.error).toMatch(/^spawn \/nonexistent\/builder ENOENT/);
      const nowhere = await run(spawner, "", { cwd: join(root, "nonexistent") });
      expect(nowhere.error).toMatch(/ENOENT/);
      const bare = await run(spawner, "", { command: "sh", args: ["-c", "echo found on PATH"] });
      expect(bare.output).toBe("found on PATH\n");
      expect(spawner.native).toBe(true);
    } finally {
      await spawner.close();
    }
  });

  it("reports an ended builder whose pipe an escaped process holds as exited, and closes the pipe after the grace period", async () => {
    const spawner = new BuilderSpawner(200);
    const pidFile = join(root, "escaped.pid");
    let escapedAtClose: boolean | undefined;
    try {
      // The builder ends only once the process has left its session (its pid is written after setsid), so the
      // kill of the builder's group at its end cannot reach it.
      const escape = `setsid sh -c 'echo $$ > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; exec sleep 300' &`;
      const result = await run(spawner, `${escape} while [ ! -s ${pidFile} ]; do sleep 0.01; done; echo built`, {}, (event) => {
        if (event === "closed") escapedAtClose = statOf(Number(readFileSync(pidFile, "utf8"))) !== undefined;
      });
      expect(result.events).toEqual(["started", "exited", "closed"]);
      expect(result).toMatchObject({ code: 0, output: "built\n" });
      // Closed while the escaped process still held the pipe: by the grace period, not by its end.
      expect(escapedAtClose).toBe(true);
    } finally {
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
      await spawner.close();
    }
  });

  it("kills what an ended builder left in its process group before reporting its end, and says so", async () => {
    const spawner = new BuilderSpawner(200);
    const pidFile = join(root, "left.pid");
    let leftAtExit: boolean | undefined;
    let groupKilled: boolean | undefined;
    const events: string[] = [];
    try {
      await new Promise<void>((resolve) => {
        const listener: BuilderEvents = {
          started: () => events.push("started"),
          output: () => {},
          exited: (killed) => {
            events.push("exited");
            groupKilled = killed;
            leftAtExit = !killedOrDying(Number(readFileSync(pidFile, "utf8")));
          },
          closed: () => {
            events.push("closed");
            resolve();
          },
          failed: () => resolve(),
        };
        // The background sleep stays in the builder's group and holds its pipe.
        spawner.spawn("/x.drv", { command: "/bin/sh", args: ["-c", `sleep 300 & echo $! > ${pidFile}; exit 0`], env: { PATH: "/usr/bin:/bin" }, cwd: root }, listener);
      });
      expect(events[0]).toBe("started");
      expect(events).toContain("exited");
      expect(groupKilled).toBe(true);
      expect(leftAtExit).toBe(false);
      await waitFor(() => statOf(Number(readFileSync(pidFile, "utf8"))) === undefined);
    } finally {
      await spawner.close();
    }
  });

  it("when the realiser's end goes, kills every builder's process group and exits", async () => {
    const spawner = new BuilderSpawner();
    const pidFile = join(root, "group.pids");
    const running = run(spawner, `sleep 300 & echo $! > ${pidFile}.tmp; echo $$ >> ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; wait`);
    await waitFor(() => existsSync(pidFile));
    const pids = readFileSync(pidFile, "utf8").trim().split("\n").map(Number);
    const spawnerPid = Number(statOf(pids[1] as number)?.[1]);
    expect(readFileSync(`/proc/${spawnerPid}/cmdline`, "latin1")).toMatch(/builderSpawnerProgram-/);
    await spawner.close();
    await waitFor(() => pids.every((pid) => statOf(pid) === undefined));
    expect(statOf(spawnerPid)).toBeUndefined();
    // The builder's end is the spawner's: it is reported as a lost build.
    expect((await running).error).toMatch(/^BuilderSpawnerError: the process that starts Kiln's builders/);
  });
});

describe("without a C compiler", () => {
  it("builders are started by the Node spawner, and why is noted once", async () => {
    await withEnv({ KILN_CACHE_DIR: join(root, "no-compiler") }, async () => {
      const notes: string[] = [];
      const spawner = new BuilderSpawner(2000, { compiler: "/nonexistent/cc", onNote: (text) => notes.push(text) });
      try {
        const result = await run(spawner, `echo built; echo "parent $(cat /proc/$PPID/cmdline | tr '\\0' ' ')"; exit 4`);
        expect(spawner.native).toBe(false);
        expect(result.code).toBe(4);
        expect(result.output).toMatch(/^built\nparent \S*node .*builderSpawnerProgram/);
        expect((await run(spawner, "kill -KILL $$")).signal).toBe("SIGKILL");
        expect(notes).toEqual([expect.stringMatching(/^cannot compile Kiln's native builder spawner with '\/nonexistent\/cc' \(.*ENOENT.*\); builders are started by a Node process instead/)]);
        const again = new BuilderSpawner(2000, { compiler: "/nonexistent/cc", onNote: (text) => notes.push(text) });
        await run(again, "true");
        await again.close();
        expect(notes).toHaveLength(1);
      } finally {
        await spawner.close();
      }
    });
  });

  it("a compiler that fails counts as none, and KILN_CC chooses the compiler", async () => {
    await withEnv({ KILN_CACHE_DIR: join(root, "failing-compiler"), KILN_CC: "/bin/false" }, async () => {
      const spawner = new BuilderSpawner();
      try {
        expect((await run(spawner, "echo fine")).output).toBe("fine\n");
        expect(spawner.native).toBe(false);
        expect(readdirSync(join(root, "failing-compiler", "builder-spawner"))).toEqual([]);
      } finally {
        await spawner.close();
      }
    });
  });
});
