/**
 * What evaluating a config read, recorded so that its result can be cached
 * (see `evaluation-cache.ts`): the config's own files and the packages it
 * imports (told by the loader), the environment variables read through
 * `process.env`, the local paths `path()` imported, the host tools a stdenv
 * asked about, and the warnings given. Like Nix's evaluation cache for
 * flakes, the result may be reused only while all of these are unchanged;
 * unlike it, reads Kiln cannot track (the clock, the network, a file read
 * with `fs` directly, the whole environment listed) are noticed and make the
 * result uncacheable, with the reason and the user's line.
 *
 * The recorder is kept on `globalThis`, so that every copy of `@kiln/core`
 * a config loads (the CLI's, a project's own) records into the same one.
 */
import { fileURLToPath } from "node:url";
import { isConfigBundle } from "../source/bundle-source-maps.js";

/** A local path `path()` imported, and the NAR hash it had. */
export interface SourceRead {
  readonly path: string;
  /** `sha256:<base16>` of its NAR serialisation. */
  readonly narHash: string;
}

/** Something a config's evaluation read that Kiln cannot tell has changed; the result is not cached. */
export interface UntrackedRead {
  /** What was read, in a few words: `the clock (Date.now)`. */
  readonly what: string;
  /** `file:line` of the user's code that read it, when known. */
  readonly where?: string;
}

/** Everything one evaluation read. */
export interface EvaluationReads {
  /** Environment variables read, with the value each had (`null`: unset). */
  readonly env: Map<string, string | null>;
  /** Files whose contents went in (the config's own files; `kiln.lock`), by path. */
  readonly files: Set<string>;
  /** Entry modules of packages the config imported, as file URLs. */
  readonly packages: Set<string>;
  /** Local paths imported with `path()`, by path. */
  readonly sources: Map<string, SourceRead>;
  /** Host files (tools a stdenv fingerprints) whose identity went in; checked by their metadata. */
  readonly hostFiles: Set<string>;
  /** Reads that make the result uncacheable. */
  readonly untracked: UntrackedRead[];
  /** The warnings given, to give again when the result is reused. */
  readonly warnings: string[];
}

/** An input a package tells the recorder about: see {@link noteEvaluationRead}. */
export type NotedRead =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "package"; readonly url: string }
  | { readonly kind: "source"; readonly path: string; readonly narHash: string }
  | { readonly kind: "host-file"; readonly path: string }
  | { readonly kind: "untracked"; readonly what: string; readonly where?: string }
  | { readonly kind: "warning"; readonly message: string };

const KEY = Symbol.for("kiln.core.evaluationReads");

interface RecorderHolder {
  [KEY]?: EvaluationReads;
}

/** The recorder of the evaluation under way, if one is recording. */
function current(): EvaluationReads | undefined {
  return (globalThis as RecorderHolder)[KEY];
}

/** Tells the evaluation under way (if its reads are recorded) that it read something. Packages call this for what they read on a config's behalf. */
export function noteEvaluationRead(read: NotedRead): void {
  const reads = current();
  if (reads === undefined) return;
  switch (read.kind) {
    case "file":
      reads.files.add(read.path);
      break;
    case "package":
      reads.packages.add(read.url);
      break;
    case "source":
      reads.sources.set(read.path, { path: read.path, narHash: read.narHash });
      break;
    case "host-file":
      reads.hostFiles.add(read.path);
      break;
    case "untracked":
      if (!reads.untracked.some((known) => known.what === read.what)) reads.untracked.push({ what: read.what, ...(read.where !== undefined ? { where: read.where } : {}) });
      break;
    case "warning":
      reads.warnings.push(read.message);
      break;
  }
}

/**
 * The file of the code that called the function `depth` frames up (or
 * further, past builtins), as V8 names it (a URL or path; `node:…` for Node's own code), without the cost
 * of formatting a stack through source maps.
 */
function callerFileName(depth: number): string | undefined {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  try {
    // A few frames more: builtins (`Object.keys`) between the trap and its caller have no file.
    Error.stackTraceLimit = depth + 3;
    Error.prepareStackTrace = (_error, sites) => sites;
    const sites = new Error().stack as unknown as NodeJS.CallSite[];
    return sites.slice(depth).find((site) => typeof site.getFileName() === "string")?.getFileName() ?? undefined;
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
}

/** Whether a call site's file is the user's config (its bundle). */
function isUserCode(file: string | undefined): boolean {
  if (file === undefined || !file.startsWith("file:")) return false;
  const url = new URL(file);
  url.search = "";
  return isConfigBundle(fileURLToPath(url));
}

/** Where in the user's files the current call came from, as `file:line` (source maps applied). */
function userLine(): string | undefined {
  const stack = new Error().stack ?? "";
  for (const line of stack.split("\n")) {
    const match = /\(?((?:file:\/\/)?\/[^():]*):(\d+):\d+\)?\s*$/.exec(line);
    if (match === null) continue;
    const file = (match[1] as string).startsWith("file:") ? fileURLToPath((match[1] as string).replace(/\?.*$/, "")) : (match[1] as string);
    if (file.includes("/node_modules/") || file.endsWith("evaluation-reads.js") || file.endsWith("evaluation-reads.ts")) continue;
    if (isConfigBundle(file)) continue;
    return `${file}:${match[2]}`;
  }
  return undefined;
}

/** Records a read the config's own code made (its direct caller is the config) that Kiln cannot track. */
function untrackedIfUser(what: string, depth: number): void {
  if (isUserCode(callerFileName(depth))) noteEvaluationRead({ kind: "untracked", what, ...withWhere(userLine()) });
}

function withWhere(where: string | undefined): { where?: string } {
  return where === undefined ? {} : { where };
}

/** Makes each call of `owner[name]` from the config's own code an untracked read of `what`; returns how to put the function back. */
function watchCalls<Owner extends object>(owner: Owner, name: keyof Owner & string, what: string): () => void {
  const real = owner[name] as (...args: unknown[]) => unknown;
  const watched = function (this: unknown, ...args: unknown[]): unknown {
    untrackedIfUser(what, 3);
    return real.apply(this, args);
  };
  (owner as Record<string, unknown>)[name] = watched;
  return () => {
    (owner as Record<string, unknown>)[name] = real;
  };
}

/**
 * Starts recording what evaluation reads; the function returned stops it
 * (putting back what it replaced) and returns the reads. Recording is not
 * nested: a second start while one records shares the first's record.
 */
export function recordEvaluationReads(): () => EvaluationReads {
  const holder = globalThis as RecorderHolder;
  if (holder[KEY] !== undefined) {
    const shared = holder[KEY];
    return () => shared;
  }
  const reads: EvaluationReads = { env: new Map(), files: new Set(), packages: new Set(), sources: new Map(), hostFiles: new Set(), untracked: [], warnings: [] };
  holder[KEY] = reads;

  // Each variable read is recorded with its value; Node's own code copying the whole environment for a child process is not a read of the config's.
  const realEnv = process.env;
  const recordName = (name: string | symbol): void => {
    if (typeof name !== "string" || reads.env.has(name)) return;
    if (callerFileName(3)?.startsWith("node:") === true) return;
    reads.env.set(name, realEnv[name] ?? null);
  };
  process.env = new Proxy(realEnv, {
    get(target, name) {
      recordName(name);
      return Reflect.get(target, name);
    },
    has(target, name) {
      recordName(name);
      return Reflect.has(target, name);
    },
    ownKeys(target) {
      untrackedIfUser("the whole environment (process.env listed)", 3);
      return Reflect.ownKeys(target);
    },
  });

  const restores = [watchCalls(Date, "now", "the clock (Date.now)"), watchCalls(performance, "now", "the clock (performance.now)"), watchCalls(Math, "random", "random numbers (Math.random)")];
  const RealDate = Date;
  globalThis.Date = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      if (args.length === 0) untrackedIfUser("the clock (new Date())", 3);
      return Reflect.construct(target, args, newTarget) as object;
    },
    apply(target, self, args) {
      untrackedIfUser("the clock (Date())", 3);
      return Reflect.apply(target, self, args) as unknown;
    },
  });
  const realFetch = globalThis.fetch;
  globalThis.fetch = function fetch(...args: Parameters<typeof realFetch>): ReturnType<typeof realFetch> {
    noteEvaluationRead({ kind: "untracked", what: "the network (fetch)", ...withWhere(userLine()) });
    return realFetch(...args);
  };

  return () => {
    if (holder[KEY] === reads) delete holder[KEY];
    process.env = realEnv;
    for (const restore of restores) restore();
    globalThis.Date = RealDate;
    globalThis.fetch = realFetch;
    return reads;
  };
}
