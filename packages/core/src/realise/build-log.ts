/**
 * A build's log: every line goes to the log file and to a listener, and the
 * last lines are kept for the error message if the build fails.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import { StringDecoder } from "node:string_decoder";

/** How many lines a failure message shows, as Nix's `log-lines`. */
export const FAILURE_LOG_LINES = 25;

/** Collects a build's output into its log file, line by line. */
export class BuildLog {
  private readonly file: WriteStream;
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";
  private readonly tail: string[] = [];

  constructor(
    readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.file = createWriteStream(path);
  }

  /** Takes a chunk of the builder's stdout or stderr. */
  write(chunk: Buffer): void {
    this.file.write(chunk);
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.line(line);
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

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    const rest = this.partial + this.decoder.end();
    this.partial = "";
    if (rest !== "") this.line(rest);
    await new Promise<void>((resolve) => this.file.end(resolve));
  }
}
