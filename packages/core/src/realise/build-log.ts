/**
 * A build's log: every line goes to the log file and to a listener, and the
 * last lines are kept for the error message if the build fails. A log
 * file that cannot be written (a full disk) does not crash Kiln: the error
 * is kept for the build to report, and the lines still reach the listener.
 *
 * The file is written synchronously as the builder's output arrives, as
 * Nix's build hook writes its log: a chunk is at most a pipe's worth, and a
 * stream would cost a round trip through libuv's thread pool for the open,
 * each write and the close, every one a wake-up that a short build waits on.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { BuildFailedError } from "./build-errors.js";

/** How many lines a failure message shows, as Nix's `log-lines`. */
export const FAILURE_LOG_LINES = 25;

/** Collects a build's output into its log file, line by line. */
export class BuildLog {
  private fd: number | undefined;
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";
  private readonly tail: string[] = [];
  private failure: Error | undefined;

  constructor(
    readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(path, "w");
    } catch (error) {
      // Reported once the builder is done, as a failed write is.
      this.failure = error as Error;
    }
  }

  /** Why the log file could not be written, if it could not. */
  get writeError(): Error | undefined {
    return this.failure;
  }

  /** Takes a chunk of the builder's stdout or stderr. */
  write(chunk: Buffer): void {
    if (this.failure === undefined && this.fd !== undefined) this.writeAll(chunk);
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  /** Writes the whole chunk (a write may take only part of it); a failure is kept, and the file written no further. */
  private writeAll(chunk: Buffer): void {
    try {
      for (let at = 0; at < chunk.length; ) at += writeSync(this.fd as number, chunk, at, chunk.length - at);
    } catch (error) {
      this.failure ??= error as Error;
    }
  }

  private line(line: string): void {
    this.tail.push(line);
    if (this.tail.length > FAILURE_LOG_LINES) this.tail.shift();
    this.onLine(line);
  }

  /** The last lines written (up to {@link FAILURE_LOG_LINES}). */
  lastLines(): readonly string[] {
    return this.partial === "" ? [...this.tail] : [...this.tail, this.partial].slice(-FAILURE_LOG_LINES);
  }

  /** Closes the file (everything is written already). */
  async close(): Promise<void> {
    const rest = this.partial + this.decoder.end();
    this.partial = "";
    if (rest !== "") this.line(rest);
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch (error) {
      this.failure ??= error as Error;
    }
  }
}

/** The failure of a build whose log could not be written (usually a full disk), with the builder's own outcome. */
export function logWriteFailed(drvPath: string, log: BuildLog, exit: { code: number | null; signal: NodeJS.Signals | null }): BuildFailedError {
  const error = log.writeError as NodeJS.ErrnoException;
  const outcome = exit.signal !== null ? `was killed by signal ${exit.signal}` : exit.code === 0 ? "succeeded" : `failed with exit code ${exit.code}`;
  const tail = log.lastLines();
  const hint = error.code === "ENOSPC" ? "; the disk is full: 'kiln gc' frees space" : "";
  return new BuildFailedError(
    `cannot write the build log '${log.path}' of '${drvPath}': ${error.message}${hint}. The builder ${outcome}` +
      (tail.length > 0 ? `;\nlast ${tail.length} log lines:\n${tail.map((line) => `> ${line}`).join("\n")}` : ""),
    drvPath,
  );
}
