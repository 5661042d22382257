/**
 * Rendering realiser events for a person: a live status line on a terminal,
 * plain lines otherwise, or one JSON object a line with `--json`.
 */
import type { RealiseEvent } from "@kiln/core";
import type { CommandIO } from "./command.js";
import { formatBytes } from "./format-bytes.js";

/** How to show build logs and progress. */
export interface ProgressOptions {
  /** Print one JSON event a line instead of text. */
  readonly json: boolean;
  /** Stream build log lines (`-L`). */
  readonly printBuildLogs: boolean;
  /** Redraw a status line (defaults to whether stderr is a terminal). */
  readonly live?: boolean;
  /** List every path of the plan, as a dry run does, not only the counts. */
  readonly listPlan?: boolean;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** "these 2 derivations" but "1 derivation". */
function these(count: number, word: string): string {
  return `${count === 1 ? "" : "these "}${plural(count, word)}`;
}

/** Turns realiser events into output; call `finish()` when the realisation ends. */
export class ProgressRenderer {
  private readonly live: boolean;
  private status = "";
  /** Bytes received so far by each fetching derivation. */
  private readonly fetched = new Map<string, number>();
  /** The fixed-output derivations of the plan (downloads, typically), and how many of them are done. */
  private toFetch: ReadonlySet<string> = new Set();
  private fetchesDone = 0;
  private done = 0;
  private total = 0;
  private running: readonly string[] = [];

  constructor(
    private readonly io: CommandIO,
    private readonly options: ProgressOptions,
  ) {
    this.live = !options.json && (options.live ?? io.stderr.isTTY === true);
  }

  /** Handles one event. */
  readonly onEvent = (event: RealiseEvent): void => {
    if (this.options.json) {
      this.io.stderr.write(`${JSON.stringify(event)}\n`);
      return;
    }
    switch (event.type) {
      case "plan": {
        const { toBuild, toFetch, valid } = event.plan;
        this.total = toBuild.length;
        this.toFetch = new Set(toFetch);
        if (this.options.listPlan === true) {
          const fetched = new Set(toFetch);
          const built = toBuild.filter((drvPath) => !fetched.has(drvPath));
          this.line(`${these(built.length, "derivation")} will be built:${built.map((path) => `\n  ${path}`).join("")}`);
          this.line(`${these(toFetch.length, "fixed-output derivation")} will be fetched:${toFetch.map((path) => `\n  ${path}`).join("")}`);
          this.line(`${plural(valid.length, "output")} already valid:${valid.map((path) => `\n  ${path}`).join("")}`);
        } else if (toBuild.length > 0) {
          this.line(`${these(toBuild.length, "derivation")} will be built${toFetch.length > 0 ? ` (${toFetch.length} fixed-output)` : ""}; ${valid.length} output${valid.length === 1 ? " is" : "s are"} already valid`);
        }
        break;
      }
      case "build-started":
        if (!this.live) this.line(`building '${event.drvPath}'...`);
        break;
      case "build-waiting":
        this.line(`waiting for '${event.name}': ${event.reason}`);
        break;
      case "log-line":
        if (this.options.printBuildLogs) this.line(`${event.name}> ${event.line}`);
        break;
      case "build-finished": {
        const download = this.toFetch.has(event.drvPath);
        if (download) this.fetchesDone++;
        const bytes = this.fetched.get(event.drvPath);
        if (!this.live) this.line(download && bytes !== undefined ? `fetched '${event.name}' (${formatBytes(bytes)})` : `built '${event.name}'`);
        break;
      }
      case "build-failed":
        this.line(`error: ${event.message}`);
        break;
      case "bytes-fetched":
        this.fetched.set(event.drvPath, event.bytes);
        break;
      case "progress":
        this.done = event.done;
        this.total = event.total;
        this.running = event.running;
        break;
      case "message":
        this.line(`${event.level === "warning" ? "warning: " : ""}${event.text}`);
        break;
    }
    this.redraw();
  };

  private line(text: string): void {
    this.clear();
    this.io.stderr.write(`${text}\n`);
  }

  private clear(): void {
    if (this.live && this.status !== "") {
      this.io.stderr.write("\r\x1b[K");
      this.status = "";
    }
  }

  private redraw(): void {
    if (!this.live || this.total === 0) return;
    const names = this.running.slice(0, 3).join(", ") + (this.running.length > 3 ? ` +${this.running.length - 3}` : "");
    let bytes = 0;
    for (const count of this.fetched.values()) bytes += count;
    const downloads = this.toFetch.size > 0 ? `, ${this.fetchesDone}/${this.toFetch.size} downloaded` : "";
    const text = `[${this.done}/${this.total} built${downloads}${bytes > 0 ? `, ${formatBytes(bytes)} fetched` : ""}]${names ? ` building ${names}` : ""}`;
    const width = (this.io.stderr as { columns?: number }).columns ?? 100;
    this.clear();
    this.status = text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text;
    this.io.stderr.write(this.status);
  }

  /** Removes the status line. */
  finish(): void {
    this.clear();
  }
}
