/**
 * How the local realiser starts its builders: through a small long-lived
 * process of its own, started once per realisation, rather than from the
 * realiser's process. That process is the native spawner, a C program
 * compiled on first use (`native-spawner.ts`, `native-spawner-source.ts`),
 * or, where no C compiler is at hand, a Node process (its program is
 * `builder-spawner-program.ts`).
 *
 * Node creates a child by `fork()` and `exec()`; the fork copies the
 * parent's page tables and holds the event loop until the child has
 * exec'd, so its cost grows with the parent: a few milliseconds per build
 * for Kiln's process after evaluating a config, most of a trivial build's
 * time (Nix forks its builders from a small process too). The native
 * spawner creates builders with `vfork()` and `exec()`, which copy nothing; the
 * Node spawner's heap is small but still forked for each builder. The
 * realiser's loop only passes either a message.
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
import type { BuilderCommand } from "./builder-command.js";
import { closeNativeSpawner, holdNativeSpawner, nativeSpawnerProgram, sendToNativeSpawner, startNativeSpawner, type SpawnerMessage } from "./native-spawner.js";

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
  /**
   * It has ended (what it left running may still hold its pipes). `groupKilled`: its starter has killed
   * what was left in its process group already (the native spawner does).
   */
  exited(groupKilled: boolean): void;
  /** Its pipes are closed: how it ended. */
  closed(code: number | null, signal: NodeJS.Signals | null): void;
  /** It could not be started (a message saying why), or the spawner died under it (a {@link BuilderSpawnerError}). */
  failed(error: Error | string): void;
}

export type { BuilderCommand } from "./builder-command.js";

/** The builder spawner ended while builds were running: they were stopped, and nothing of theirs was registered. */
export class BuilderSpawnerError extends BuildFailedError {
  override name = "BuilderSpawnerError";
}

/** How a builder spawner is made. */
export interface BuilderSpawnerOptions {
  /** The C compiler of the native spawner (default `$KILN_CC`, else `cc`); where it cannot compile it, a Node spawner is used. */
  readonly compiler?: string;
  /** Hears, once, why the native spawner could not be used. */
  readonly onNote?: (text: string) => void;
}

/** A running spawner: the native one, or the Node one when no native one could be compiled. */
interface SpawnerProcess {
  readonly child: ChildProcess;
  readonly native: boolean;
}

/** The builder spawner of one realisation. */
export class BuilderSpawner {
  private spawner: SpawnerProcess | undefined;
  /** The native spawner's program (`undefined`: the Node one), once known. */
  private program: { path: string | undefined } | undefined;
  private programFound: Promise<void> | undefined;
  /** Builders asked for before the program was known. */
  private readonly queued: { id: number; command: BuilderCommand }[] = [];
  private readonly running = new Map<number, { events: BuilderEvents; drvPath: string; exited: boolean }>();
  private nextId = 0;
  private closing: Promise<void> | undefined;

  /** `pipeGraceMs`: how long an ended builder's pipes may stay open (held by a process that escaped) before they are closed. */
  constructor(
    private readonly pipeGraceMs: number = PIPE_GRACE_MS,
    private readonly options: BuilderSpawnerOptions = {},
  ) {}

  /** Starts the spawner now (compiling it first if need be), so that it is ready by the first build. */
  start(): void {
    this.process();
  }

  /** Whether builders are started by the native spawner (`undefined` until that is known). */
  get native(): boolean | undefined {
    return this.program === undefined ? undefined : this.program.path !== undefined;
  }

  /** Starts a builder for `drvPath`; `events` hears what it does. */
  spawn(drvPath: string, command: BuilderCommand, events: BuilderEvents): void {
    const id = this.nextId++;
    this.running.set(id, { events, drvPath, exited: false });
    const spawner = this.process();
    if (spawner === undefined) {
      this.queued.push({ id, command });
      return;
    }
    if (this.running.size === 1) this.hold(spawner, true);
    this.send(spawner, id, command);
  }

  /** Ends the spawner (once no build is running) and waits until it has exited. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.programFound;
      const child = this.spawner?.child;
      if (child === undefined) return;
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        // Held until it has exited: else, with nothing else to do, Node would end Kiln's process before this promise settles.
        child.ref();
        child.once("exit", () => resolve());
        if (this.spawner?.native === true) closeNativeSpawner(child);
        else if (child.connected) child.disconnect();
      });
    })();
    return this.closing;
  }

  /** The running spawner, started if there is none; `undefined` while its program is being looked for (compiled). */
  private process(): SpawnerProcess | undefined {
    if (this.spawner !== undefined) return this.spawner;
    const program = this.program;
    if (program === undefined) {
      this.programFound ??= nativeSpawnerProgram(this.options.compiler).then((found) => {
        if ("unavailable" in found) {
          noteOnce(this.options.onNote, found.unavailable);
          this.program = { path: undefined };
        } else {
          this.program = { path: found.path };
        }
        if (this.queued.length === 0) return;
        const spawner = this.process() as SpawnerProcess;
        this.hold(spawner, true);
        for (const { id, command } of this.queued.splice(0)) this.send(spawner, id, command);
      });
      return undefined;
    }
    const receive = (message: SpawnerMessage): void => this.receive(message);
    const child = program.path !== undefined ? startNativeSpawner(program.path, this.pipeGraceMs, receive) : startNodeSpawner(this.pipeGraceMs, receive);
    const spawner = { child, native: program.path !== undefined };
    this.spawner = spawner;
    child.on("error", (error) => this.lost(spawner, error.message));
    child.on("exit", (code, signal) => this.lost(spawner, signal !== null ? `it was killed by signal ${signal}` : `it exited with code ${code}`));
    this.hold(spawner, false);
    return spawner;
  }

  private send(spawner: SpawnerProcess, id: number, command: BuilderCommand): void {
    if (!spawner.native) {
      spawner.child.send({ id, command: command.command, args: command.args, env: command.env, cwd: command.cwd });
      return;
    }
    const refused = sendToNativeSpawner(spawner.child, id, command);
    if (refused !== undefined) this.receive({ id, type: "error", message: refused });
  }

  /** Whether the spawner keeps Kiln's process alive: only while builds run, so that an unclosed one never holds it. */
  private hold(spawner: SpawnerProcess, held: boolean): void {
    const { child } = spawner;
    if (held) child.ref();
    else child.unref();
    if (spawner.native) {
      holdNativeSpawner(child, held);
      return;
    }
    const channel = child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (held) channel?.ref?.();
    else channel?.unref?.();
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
        events.output(message.data);
        break;
      case "exit":
        build.exited = true;
        events.exited(this.spawner?.native === true);
        break;
      case "close":
        this.finish(message.id);
        // Mostly the builder's only message of its end: its exit is heard here.
        if (!build.exited) events.exited(this.spawner?.native === true);
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
    if (this.running.size === 0 && this.spawner !== undefined) this.hold(this.spawner, false);
  }

  /** The spawner is gone: every build it ran fails; the next build starts another. */
  private lost(spawner: SpawnerProcess, why: string): void {
    if (this.spawner !== spawner) return;
    this.spawner = undefined;
    const builds = [...this.running.values()];
    this.running.clear();
    for (const { events, drvPath } of builds) {
      events.failed(
        new BuilderSpawnerError(
          `the process that starts Kiln's builders (pid ${spawner.child.pid ?? "?"}) ended while '${drvPath}' was building (${why}); the build was stopped and nothing of it was registered`,
          drvPath,
        ),
      );
    }
  }
}

/** Notes already given by this process: each is said once. */
const noted = new Set<string>();

function noteOnce(onNote: ((text: string) => void) | undefined, text: string): void {
  if (onNote === undefined || noted.has(text)) return;
  noted.add(text);
  onNote(text);
}

/** A message of the Node spawner: its output is base64 (its channel carries JSON). */
type NodeSpawnerMessage = Exclude<SpawnerMessage, { type: "output" }> | { id: number; type: "output"; data: string };

/** Starts the Node spawner (`builder-spawner-program.ts`); `receive` hears its messages. */
function startNodeSpawner(pipeGraceMs: number, receive: (message: SpawnerMessage) => void): ChildProcess {
  // Its own session: Ctrl-C at the terminal reaches Kiln, which stops the builds; the spawner must not die of it first.
  const child = spawn(process.execPath, ["--max-old-space-size=16", "--max-semi-space-size=1", "-e", `(${builderSpawnerProgram.toString()})()`, String(pipeGraceMs)], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    detached: true,
    serialization: "json",
    // Options meant for Kiln's process (a profiler, a loader) would make the spawner large and slow.
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "NODE_OPTIONS")),
  });
  child.on("message", (message: NodeSpawnerMessage) => receive(message.type === "output" ? { ...message, data: Buffer.from(message.data, "base64") } : message));
  return child;
}
