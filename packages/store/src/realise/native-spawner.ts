/**
 * The realiser's side of the native builder spawner (its program, in C, is
 * `native-spawner-source.ts`; the protocol is described there): compiling
 * it on first use, starting it, and speaking its protocol.
 *
 * It is compiled with the host's C compiler (`$KILN_CC`, else `cc`: one is
 * needed to install Kiln already, better-sqlite3 builds from source) into
 * Kiln's cache directory, named by the hash of its source, so that a new
 * Kiln compiles its own and every later run finds it. It is written under
 * a temporary name and renamed, so that concurrent first uses never run a
 * half-written file. Compiling when it is first needed rather than at
 * install or build time serves the three ways Kiln runs (its sources in
 * tests, its `dist`, the packed CLI's bundle) with one path, and keeps
 * working after the compiler, the cache or Kiln itself changed. Where it
 * cannot be compiled (no compiler), the realiser uses the Node spawner
 * instead (`builder-spawner-program.ts`), which is slower per build.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { accessSync, constants as fsConstants, renameSync, rmSync } from "node:fs";
import { constants as osConstants, endianness } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { writableKilnCacheDir } from "@kiln/formats";
import type { BuilderCommand } from "./builder-command.js";
import { NATIVE_SPAWNER_SOURCE } from "./native-spawner-source.js";

/** The compiled program's name (with its source's hash): its command line says which program it is, as the Node spawner's does. */
const PROGRAM_NAME = "builderSpawnerProgram";

/** The compiler of the native spawner when none is asked for: `$KILN_CC`, else `cc`. */
export function defaultSpawnerCompiler(): string {
  const configured = process.env["KILN_CC"];
  return configured !== undefined && configured !== "" ? configured : "cc";
}

/** The compiled native spawner, or why there is none. */
export type NativeSpawnerProgram = { readonly path: string } | { readonly unavailable: string };

/** Compilations of this process, by compiler and cache directory: each is tried once. */
const programs = new Map<string, Promise<NativeSpawnerProgram>>();

/** The native spawner's program compiled by `compiler`, compiled now if Kiln's cache has none. */
export function nativeSpawnerProgram(compiler: string = defaultSpawnerCompiler()): Promise<NativeSpawnerProgram> {
  let directory: string;
  try {
    directory = writableKilnCacheDir("builder-spawner");
  } catch (error) {
    return Promise.resolve({ unavailable: `cannot make a directory for Kiln's native builder spawner (${error instanceof Error ? error.message : String(error)}); builders are started by a Node process instead, which is slower` });
  }
  const key = `${compiler}\0${directory}`;
  let program = programs.get(key);
  if (program === undefined) {
    program = compiled(compiler, directory);
    programs.set(key, program);
  }
  return program;
}

async function compiled(compiler: string, directory: string): Promise<NativeSpawnerProgram> {
  const hash = createHash("sha256").update(`${process.arch}\0${NATIVE_SPAWNER_SOURCE}`).digest("hex").slice(0, 32);
  const path = join(directory, `${PROGRAM_NAME}-${hash}`);
  try {
    accessSync(path, fsConstants.X_OK);
    return { path };
  } catch {
    // Not compiled yet.
  }
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    await compile(compiler, temporary);
    renameSync(temporary, path);
    return { path };
  } catch (error) {
    rmSync(temporary, { force: true });
    return { unavailable: `cannot compile Kiln's native builder spawner with '${compiler}' (${error instanceof Error ? error.message : String(error)}); builders are started by a Node process instead, which is slower (set KILN_CC to a C compiler)` };
  }
}

/** Runs `compiler` on the source (from its standard input) into `output`. */
function compile(compiler: string, output: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(compiler, ["-O2", "-x", "c", "-o", output, "-"], { stdio: ["pipe", "ignore", "pipe"] });
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    child.stdin.on("error", () => {});
    child.on("error", (error) => reject(error));
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${signal !== null ? `killed by ${signal}` : `exit code ${code}`}${errors.trim() === "" ? "" : `: ${errors.trim().split("\n").slice(0, 5).join(" ")}`}`));
    });
    child.stdin.end(NATIVE_SPAWNER_SOURCE);
  });
}

/** A message from a spawner, native or Node (see the protocols in `native-spawner-source.ts` and `builder-spawner-program.ts`). */
export type SpawnerMessage =
  | { id: number; type: "started"; pid: number; stat?: string }
  | { id: number; type: "output"; data: Buffer }
  | { id: number; type: "exit" }
  | { id: number; type: "close"; code: number | null; signal: NodeJS.Signals | null }
  | { id: number; type: "error"; message: string };

const littleEndian = endianness() === "LE";
const signalNames = new Map(Object.entries(osConstants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));

/** Starts the native spawner at `path`; `receive` hears its messages. Builders' output pipes close after `pipeGraceMs` once they have ended. */
export function startNativeSpawner(path: string, pipeGraceMs: number, receive: (message: SpawnerMessage) => void): ChildProcess {
  // Its own session: Ctrl-C at the terminal reaches Kiln, which stops the builds; the spawner must not die of it first.
  const child = spawn(path, [String(pipeGraceMs)], { stdio: ["pipe", "pipe", "inherit"], detached: true });
  let pending: Buffer = Buffer.alloc(0);
  (child.stdout as Readable).on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (pending.length - at >= 4) {
      const length = readU32(pending, at);
      if (pending.length - at - 4 < length) break;
      receive(decode(pending.subarray(at + 4, at + 4 + length)));
      at += 4 + length;
    }
    pending = at === pending.length ? Buffer.alloc(0) : pending.subarray(at);
  });
  // It died: its exit is reported as such.
  (child.stdin as Writable).on("error", () => {});
  return child;
}

/** Asks the native spawner `child` to start `command` as builder `id`; a string saying why when it cannot be asked. */
export function sendToNativeSpawner(child: ChildProcess, id: number, command: BuilderCommand): string | undefined {
  const strings = [command.command, command.cwd, ...command.args, ...Object.entries(command.env).map(([name, value]) => `${name}=${value}`)];
  // Node's spawn refuses these too: the protocol's strings end at a NUL.
  if (strings.some((string) => string.includes("\0"))) return `an argument, the working directory or a variable of the environment contains a NUL byte`;
  const encoded = strings.map((string) => Buffer.from(`${string}\0`));
  const header = Buffer.alloc(16);
  writeU32(header, 0, 12 + encoded.reduce((sum, buffer) => sum + buffer.length, 0));
  writeU32(header, 4, id);
  writeU32(header, 8, command.args.length);
  writeU32(header, 12, strings.length - 2 - command.args.length);
  (child.stdin as Writable).write(Buffer.concat([header, ...encoded]));
  return undefined;
}

/** Ends the realiser's side of the native spawner `child`: it kills what still runs and exits. */
export function closeNativeSpawner(child: ChildProcess): void {
  (child.stdin as Writable).end();
}

/** Whether the native spawner `child` keeps Kiln's process alive. */
export function holdNativeSpawner(child: ChildProcess, held: boolean): void {
  for (const stream of [child.stdin, child.stdout] as unknown as ({ ref?: () => void; unref?: () => void } | null)[]) {
    if (held) stream?.ref?.();
    else stream?.unref?.();
  }
}

function decode(frame: Buffer): SpawnerMessage {
  const id = readU32(frame, 0);
  const payload = frame.subarray(5);
  switch (String.fromCharCode(frame[4] ?? 0)) {
    case "S": {
      const stat = payload.subarray(4).toString("latin1");
      return { id, type: "started", pid: readI32(payload, 0), ...(stat !== "" ? { stat } : {}) };
    }
    case "O":
      // A copy: the build's log must not keep the whole chunk read from the spawner alive.
      return { id, type: "output", data: Buffer.from(payload) };
    case "X":
      return { id, type: "exit" };
    case "C": {
      const code = readI32(payload, 0);
      const signal = readI32(payload, 4);
      return { id, type: "close", code: code < 0 ? null : code, signal: signal === 0 ? null : (signalNames.get(signal) ?? null) };
    }
    default:
      return { id, type: "error", message: payload.toString("utf8") };
  }
}

function readU32(buffer: Buffer, at: number): number {
  return littleEndian ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at);
}

function readI32(buffer: Buffer, at: number): number {
  return littleEndian ? buffer.readInt32LE(at) : buffer.readInt32BE(at);
}

function writeU32(buffer: Buffer, at: number, value: number): void {
  if (littleEndian) buffer.writeUInt32LE(value, at);
  else buffer.writeUInt32BE(value, at);
}
