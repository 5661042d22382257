/**
 * `path()`: a local file or directory imported into the store, like a Nix
 * path literal (`./src`) interpolated into a string.
 *
 * The tree is serialised as a NAR and hashed (sha256, recursive), giving a
 * `source`-type store path named after the last path component. A relative
 * path is resolved against the directory of the file that calls `path`, not
 * the working directory, so a config means the same wherever it is run from.
 */
import { lstatSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { KilnError } from "../errors.js";
import { getStoreDir } from "../store/current-store-dir.js";
import { hashPathSync } from "../store/nar-hash.js";
import { makeFixedOutputPath, storePathNameProblem } from "../store/store-path.js";
import { registerContextEntry } from "../derivation/context.js";
import { callerFile } from "./caller-file.js";
import { noteEvaluationRead } from "../evaluation/evaluation-reads.js";

/** A local path that cannot be imported: missing, unreadable, or with a name the store refuses. */
export class SourcePathError extends KilnError {
  override name = "SourcePathError";
}

/** Options of {@link path}. */
export interface PathOptions {
  /** The store name; defaults to the last component of the path. */
  readonly name?: string;
}

interface CachedSource {
  readonly storePath: string;
  readonly signature: string;
  /** `sha256:<base16>` of the NAR, for the evaluation cache. */
  readonly narHash: string;
}

const imported = new Map<string, CachedSource>();

/** Where a path given to {@link path} points, resolved against the calling file. */
function resolveSourcePath(location: string | URL, from: string | undefined): string {
  if (location instanceof URL) return fileURLToPath(location);
  if (location.startsWith("file://")) return fileURLToPath(location);
  if (isAbsolute(location)) return resolve(location);
  return resolve(from === undefined ? process.cwd() : dirname(from), location);
}

/**
 * Imports a local file or directory into the store and returns its store
 * path, which, placed in any string of a derivation, makes it an input.
 *
 * @example
 * derivation({ name: "hello", builder: "/bin/sh", system, args: ["-c", `cp -r ${path("./src")} $out`] })
 */
export function path(location: string | URL, options: PathOptions = {}): string {
  const caller = callerFile();
  const absolute = resolveSourcePath(location, caller);
  const where = caller === undefined ? "" : ` (from ${caller})`;
  let stats;
  try {
    stats = lstatSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SourcePathError(code === "ENOENT" ? `path '${absolute}' does not exist${where}` : `cannot read path '${absolute}'${where}: ${(error as Error).message}`);
  }
  const name = options.name ?? basename(absolute);
  const problem = storePathNameProblem(name);
  if (problem !== undefined) {
    throw new SourcePathError(`path '${absolute}'${where} cannot be imported: its store name ${JSON.stringify(name)} is invalid because ${problem}; pass { name } to choose another`);
  }
  const storeDir = getStoreDir();
  // The root's identity and times tell cheaply whether a repeated import can be reused.
  const signature = `${storeDir}\0${name}\0${stats.ino}\0${stats.size}\0${stats.mtimeMs}\0${stats.ctimeMs}`;
  const cached = imported.get(absolute);
  if (cached !== undefined && cached.signature === signature && !stats.isDirectory()) {
    noteEvaluationRead({ kind: "source", path: absolute, narHash: cached.narHash });
    return cached.storePath;
  }
  let storePath: string;
  let narHash: string;
  try {
    const { hash } = hashPathSync(absolute, "sha256");
    narHash = `sha256:${hash.toBase16()}`;
    storePath = makeFixedOutputPath("recursive", hash, name, storeDir);
  } catch (error) {
    if (error instanceof KilnError) throw new SourcePathError(`cannot import path '${absolute}'${where}: ${error.message}`);
    throw error;
  }
  // A twin (a fixed-output derivation with the same path) may be registered already; the marks say which one this is.
  const marked = registerContextEntry({ kind: "source", path: storePath, references: [], origin: { kind: "path", path: absolute } }, storeDir) + storePath;
  imported.set(absolute, { storePath: marked, signature, narHash });
  noteEvaluationRead({ kind: "source", path: absolute, narHash });
  return marked;
}
