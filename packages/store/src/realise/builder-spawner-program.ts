/**
 * The program of the Node builder spawner (see `builder-spawner.ts`), used
 * where the native one (`native-spawner-source.ts`, in C, faster) cannot be
 * compiled: a small Node process that starts builders for the realiser and reports on them,
 * so that the realiser's own large process never forks. (Nix's daemon
 * forks its builders from a process of its own too; Kiln's realiser runs
 * in the user's process, whose heap is large after evaluation, and libuv
 * creates a child by `fork()`, which copies the parent's page tables: the
 * larger the parent, the longer its event loop stands still per build.)
 *
 * It is run with `node -e` from this function's source text, so that it
 * needs no file of its own (Kiln runs from its sources in tests, from its
 * built `dist`, and from the packed CLI's bundles alike): the function must
 * not use anything from outside its body but Node's `require` (as
 * `globalThis.require`: the packed CLI's bundler rewrites a bare `require`).
 *
 * Protocol, over Node's IPC channel (JSON), `id` naming one builder:
 * - in: `{ id, command, args, env, cwd }`: start a builder, in a session and
 *   process group of its own, standard input closed, its standard output
 *   and error read;
 * - out: `{ id, type: "started", pid, stat }` (`stat`: its `/proc/<pid>/stat`,
 *   read before it can have been reaped), `{ id, type: "output", data }`
 *   (base64), `{ id, type: "exit" }` (the builder has ended; its pipes may
 *   still be held by what it left running; not sent when the pipes closed
 *   in the same turn of the loop), `{ id, type: "close", code, signal }`
 *   (the builder has ended and its pipes are closed: its outcome), or
 *   `{ id, type: "error", message }` (it could not be started).
 *
 * The realiser kills builders itself (a builder's process group, its sweep
 * of the process table): the spawner only starts them and watches them.
 * When the realiser's end of the channel goes (it ended, or was killed),
 * the spawner kills every builder's process group and exits.
 */

/** The spawner's main function; `argv[1]`: milliseconds an ended builder's pipes may stay open before they are closed. */
export function builderSpawnerProgram(): void {
  // Only Node's built-ins: this body is all the spawner has. `node -e` puts `require` on the global object;
  // named as a property, a bundler leaves it alone (a bare `require` call it would replace with a shim of its own).
  const load = (globalThis as unknown as { require: NodeJS.Require }).require;
  const { spawn } = load("node:child_process") as typeof import("node:child_process");
  const { readFileSync } = load("node:fs") as typeof import("node:fs");
  const pipeGraceMs = Number(process.argv[1] ?? "2000");
  const builders = new Map<number, number>();
  const send = (message: Record<string, unknown>): void => {
    if (process.connected) process.send?.(message);
  };
  process.on("message", (request: { id: number; command: string; args: string[]; env: Record<string, string>; cwd: string }) => {
    const { id } = request;
    let child;
    try {
      child = spawn(request.command, request.args, { cwd: request.cwd, env: request.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    } catch (error) {
      send({ id, type: "error", message: error instanceof Error ? error.message : String(error) });
      return;
    }
    const pid = child.pid;
    if (pid === undefined) {
      child.on("error", (error) => send({ id, type: "error", message: error.message }));
      return;
    }
    let stat: string | undefined;
    try {
      // Not reaped before this loop turns again, so it is there even if the builder has already ended.
      stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    } catch {
      stat = undefined;
    }
    builders.set(id, pid);
    send({ id, type: "started", pid, stat });
    const stdout = child.stdout;
    const stderr = child.stderr;
    const output = (chunk: Buffer): void => send({ id, type: "output", data: chunk.toString("base64") });
    stdout.on("data", output);
    stderr.on("data", output);
    let closed = false;
    child.on("exit", () => {
      builders.delete(id);
      // Usually the pipes close with the builder, and "close" (which implies "exit") is the one message of its end:
      // a message less per build. Only pipes still held after this turn of the loop get "exit" on its own.
      setImmediate(() => {
        if (!closed) send({ id, type: "exit" });
      });
      // A process that escaped the realiser's sweeps may hold the pipes open; the build does not wait for it.
      setTimeout(() => {
        stdout.destroy();
        stderr.destroy();
      }, pipeGraceMs).unref();
    });
    child.on("close", (code, signal) => {
      closed = true;
      send({ id, type: "close", code, signal });
    });
  });
  process.on("disconnect", () => {
    for (const pid of builders.values()) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    process.exit(0);
  });
}
