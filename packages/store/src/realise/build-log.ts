/**
 * A build's log: every line goes to the log file and to a listener, and the
 * last lines are kept for the error message if the build fails. A log
 * file that cannot be written (a full disk) does not crash Kiln: the error
 * is kept for the build to report, and the lines still reach the listener.
 *
 * The file is made (its directory too) in the background when the builder
 * first writes, since creating a file on a journalled file system can take
 * longer than a trivial build; what the builder writes before it is open
 * waits in memory. A builder that writes nothing gets its empty file once it
 * has ended, in the background too, so that the builds waiting on it do not
 * wait for that: the realiser waits for those files ({@link buildLogsWritten})
 * before it returns. After that it is written synchronously as the output arrives, as
 * Nix writes its logs: a chunk is at most a pipe's worth, and a stream would
 * cost a round trip through libuv's thread pool for each write and the
 * close, every one a wake-up that a short build would wait on.
 */
import { closeSync, mkdir, open, writeSync } from "node:fs";
import { dirname } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { BuildFailedError } from "./build-errors.js";

/**
 * Opens the file for writing on libuv's thread pool, making its directory
 * first only if it is missing (mostly it is there: a request less); resolves
 * with the file descriptor.
 */
function openInBackground(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    open(path, "w", (firstError, firstFd) => {
      if (firstError === null) resolve(firstFd);
      else if (firstError.code !== "ENOENT") reject(firstError);
      else {
        mkdir(dirname(path), { recursive: true }, (mkdirError) => {
          if (mkdirError !== null) reject(mkdirError);
          else open(path, "w", (openError, fd) => (openError !== null ? reject(openError) : resolve(fd)));
        });
      }
    });
  });
}

/** Empty logs still being made (see {@link BuildLog.close}). */
const emptyLogs = new Set<Promise<void>>();

/** Waits until every empty log file this process began making is made (or could not be). */
export async function buildLogsWritten(): Promise<void> {
  while (emptyLogs.size > 0) await Promise.all([...emptyLogs]);
}

/** How many lines a failure message shows, as Nix's `log-lines`. */
export const FAILURE_LOG_LINES = 25;

/** Collects a build's output into its log file, line by line. */
export class BuildLog {
  private fd: number | undefined;
  /** Output that came before the file was open. */
  private pending: Buffer[] = [];
  /** Settles once the file is open (or could not be made); made at the first output. */
  private opened: Promise<void> | undefined;
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";
  private readonly tail: string[] = [];
  private failure: Error | undefined;

  constructor(
    readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Begins making the file, once. */
  private open(): void {
    this.opened ??= openInBackground(this.path).then(
      (fd) => {
        this.fd = fd;
        const pending = this.pending;
        this.pending = [];
        for (const chunk of pending) this.writeAll(chunk);
      },
      (error: unknown) => {
        // Reported once the builder is done, as a failed write is.
        this.failure ??= error as Error;
        this.pending = [];
      },
    );
  }

  /** Why the log file could not be written, if it could not. */
  get writeError(): Error | undefined {
    return this.failure;
  }

  /** Takes a chunk of the builder's stdout or stderr. */
  write(chunk: Buffer): void {
    if (this.failure === undefined) {
      if (this.fd !== undefined) this.writeAll(chunk);
      else {
        this.pending.push(chunk);
        this.open();
      }
    }
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

  /**
   * Closes the file once everything is written to it. A builder that wrote
   * nothing has its empty file made in the background: it replaces an earlier
   * build's log, and one that cannot be made loses nothing.
   */
  async close(): Promise<void> {
    const rest = this.partial + this.decoder.end();
    this.partial = "";
    if (rest !== "") this.line(rest);
    if (this.opened === undefined) {
      const made = openInBackground(this.path).then(
        (fd) => {
          try {
            closeSync(fd);
          } catch {
            // Nothing was to be written to it.
          }
        },
        () => {},
      );
      emptyLogs.add(made);
      void made.finally(() => emptyLogs.delete(made));
      return;
    }
    await this.opened;
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
