/**
 * How the local realiser starts its builders: through a small long-lived
 * Node process of its own (the program is `builder-spawner-program.ts`),
 * started once per realisation, rather than from the realiser's process.
 *
 * Node creates a child by `fork()` and `exec()`; the fork copies the
 * parent's page tables and holds the event loop until the child has
 * exec'd, so its cost grows with the parent: a few milliseconds per build
 * for Kiln's process after evaluating a config, most of a trivial build's
 * time (Nix forks its builders from a small process too). The spawner's heap is
 * small, and the realiser's loop only passes it a message.
 *
 * Killing stays with the realiser: it signals a builder's process group and
 * sweeps the process table itself (`build-processes.ts`), as when it
 * started builders directly. If the spawner dies, every build it was
 * running fails with a {@link BuilderSpawnerError} (and its processes are
 * killed); the next build starts a new spawner. A realisation of fewer than
 * {@link SPAWNER_MIN_BUILDS} builds starts them itself, as before.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { BuildFailedError } from "./build-errors.js";
import { builderSpawnerProgram } from "./builder-spawner-program.js";
import { startTimeOfStat } from "./build-processes.js";

/** How long after a builder exits its output pipes may stay open (held by a process that escaped) before they are closed. */
export const PIPE_GRACE_MS = 2_000;

/**
 * How many builders a realisation must start for it to start them through a
 * spawner: the spawner's own start-up (about 50 ms) costs more than the
 * forks it saves a smaller realisation (a few milliseconds each).
 */
export const SPAWNER_MIN_BUILDS = 16;

/** What a builder does, as its starter reports it. */
export interface BuilderEvents {
  /** It runs as `pid`, started at `startTime` (see `processStartTime`), if that could be read. */
  started(pid: number, startTime: number | undefined): void;
  /** A chunk of its standard output or error. */
  output(chunk: Buffer): void;
  /** It has ended (what it left running may still hold its pipes). */
  exited(): void;
  /** Its pipes are closed: how it ended. */
  closed(code: number | null, signal: NodeJS.Signals | null): void;
  /** It could not be started (a message saying why), or the spawner died under it (a {@link BuilderSpawnerError}). */
  failed(error: Error | string): void;
}

/** A builder to start: in a session of its own, standard input closed, standard output and error read. */
export interface BuilderCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

/** The builder spawner ended while builds were running: they were stopped, and nothing of theirs was registered. */
export class BuilderSpawnerError extends BuildFailedError {
  override name = "BuilderSpawnerError";
}

/** A message from the spawner (see the protocol in `builder-spawner-program.ts`). */
type SpawnerMessage =
  | { id: number; type: "started"; pid: number; stat?: string }
  | { id: number; type: "output"; data: string }
  | { id: number; type: "exit" }
  | { id: number; type: "close"; code: number | null; signal: NodeJS.Signals | null }
  | { id: number; type: "error"; message: string };

/** The builder spawner of one realisation. */
export class BuilderSpawner {
  private child: ChildProcess | undefined;
  private readonly running = new Map<number, { events: BuilderEvents; drvPath: string; exited: boolean }>();
  private nextId = 0;
  private closing: Promise<void> | undefined;

  /** `pipeGraceMs`: how long an ended builder's pipes may stay open (held by a process that escaped) before they are closed. */
  constructor(private readonly pipeGraceMs: number = PIPE_GRACE_MS) {}

  /** Starts the spawner now (it takes Node's start-up time), so that it is ready by the first build. */
  start(): void {
    this.process();
  }

  /** Starts a builder for `drvPath`; `events` hears what it does. */
  spawn(drvPath: string, command: BuilderCommand, events: BuilderEvents): void {
    const child = this.process();
    const id = this.nextId++;
    this.running.set(id, { events, drvPath, exited: false });
    if (this.running.size === 1) this.hold(child, true);
    child.send({ id, command: command.command, args: command.args, env: command.env, cwd: command.cwd });
  }

  /** Ends the spawner (once no build is running) and waits until it has exited. */
  close(): Promise<void> {
    const child = this.child;
    if (child === undefined) return Promise.resolve();
    this.closing ??= new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      // Held until it has exited: else, with nothing else to do, Node would end Kiln's process before this promise settles.
      child.ref();
      child.once("exit", () => resolve());
      if (child.connected) child.disconnect();
    });
    return this.closing;
  }

  /** The running spawner, started if there is none. */
  private process(): ChildProcess {
    if (this.child !== undefined) return this.child;
    // Its own session: Ctrl-C at the terminal reaches Kiln, which stops the builds; the spawner must not die of it first.
    const child = spawn(process.execPath, ["--max-old-space-size=16", "--max-semi-space-size=1", "-e", `(${builderSpawnerProgram.toString()})()`, String(this.pipeGraceMs)], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      detached: true,
      serialization: "json",
      // Options meant for Kiln's process (a profiler, a loader) would make the spawner large and slow.
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "NODE_OPTIONS")),
    });
    this.child = child;
    child.on("message", (message: SpawnerMessage) => this.receive(message));
    child.on("error", (error) => this.lost(child, error.message));
    child.on("exit", (code, signal) => this.lost(child, signal !== null ? `it was killed by signal ${signal}` : `it exited with code ${code}`));
    this.hold(child, false);
    return child;
  }

  /** Whether the spawner keeps Kiln's process alive: only while builds run, so that an unclosed one never holds it. */
  private hold(child: ChildProcess, held: boolean): void {
    const channel = child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (held) {
      child.ref();
      channel?.ref?.();
    } else {
      child.unref();
      channel?.unref?.();
    }
  }

  private receive(message: SpawnerMessage): void {
    const build = this.running.get(message.id);
    if (build === undefined) return;
    const { events } = build;
    switch (message.type) {
      case "started":
        events.started(message.pid, message.stat === undefined ? undefined : startTimeOfStat(message.stat));
        break;
      case "output":
        events.output(Buffer.from(message.data, "base64"));
        break;
      case "exit":
        build.exited = true;
        events.exited();
        break;
      case "close":
        this.finish(message.id);
        // Mostly the builder's only message of its end: its exit is heard here.
        if (!build.exited) events.exited();
        events.closed(message.code, message.signal);
        break;
      case "error":
        this.finish(message.id);
        events.failed(message.message);
        break;
    }
  }

  private finish(id: number): void {
    this.running.delete(id);
    if (this.running.size === 0 && this.child !== undefined) this.hold(this.child, false);
  }

  /** The spawner is gone: every build it ran fails; the next build starts another. */
  private lost(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    const builds = [...this.running.values()];
    this.running.clear();
    for (const { events, drvPath } of builds) {
      events.failed(
        new BuilderSpawnerError(
          `the process that starts Kiln's builders (pid ${child.pid ?? "?"}) ended while '${drvPath}' was building (${why}); the build was stopped and nothing of it was registered`,
          drvPath,
        ),
      );
    }
  }
}
