/**
 * `kiln.lock`: what each Debian input of a config is pinned to, beside the
 * config, as `flake.lock` pins a flake's inputs. It is JSON with sorted keys
 * and a fixed layout, so the same lock is the same bytes, and a lock that did
 * not change is not rewritten.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { noteEvaluationRead, writeFileAtomically } from "@kiln/formats";
import { DebianLockError } from "./debian-errors.js";

/** One `Packages` index of a locked input. */
export interface LockedIndex {
  readonly component: string;
  /** Its path below the archive root, e.g. `dists/bookworm/main/binary-amd64/Packages.xz`. */
  readonly path: string;
  readonly size: number;
  /** SHA-256, lower-case hex. */
  readonly sha256: string;
  /**
   * The component's `Contents-ARCH` index (which package has which file),
   * when the `Release` lists one: Kiln reads the packages' programs from it.
   * Locks written before Kiln read it lack it.
   */
  readonly contents?: LockedContents;
}

/** A locked `Contents-ARCH` index of a component. */
export interface LockedContents {
  /** Its path below the archive root, e.g. `dists/bookworm/main/Contents-amd64.gz`. */
  readonly path: string;
  readonly size: number;
  /** SHA-256, lower-case hex. */
  readonly sha256: string;
}

/** One locked Debian input. */
export interface LockedDebianInput {
  readonly type: "debian";
  readonly suite: string;
  readonly architecture: string;
  readonly components: readonly string[];
  /** The `Date` of the `Release` the lock was taken from. */
  readonly date: string;
  /** One index per component, in the order of `components`. */
  readonly indexes: readonly LockedIndex[];
  /**
   * The input this one is layered over (`debian({ base })`), by its name in
   * the same lock, so that `kiln search` and `kiln why-depends` resolve as
   * the config does without evaluating it. Recorded by the evaluation that
   * uses the input; locks written before Kiln recorded it lack it.
   */
  readonly base?: string;
}

/** The whole lock file. */
export interface LockFile {
  readonly version: 1;
  readonly inputs: Readonly<Record<string, LockedDebianInput>>;
}

/** The lock file's name, beside the config. */
export const LOCK_FILE_NAME = "kiln.lock";

/** An empty lock. */
export function emptyLock(): LockFile {
  return { version: 1, inputs: {} };
}

function fail(file: string, problem: string): never {
  throw new DebianLockError(`'${file}' is not a lock file Kiln can read: ${problem}; fix it, or delete it and run 'kiln update' to lock every input afresh`);
}

function checkInput(file: string, name: string, value: unknown): LockedDebianInput {
  const input = value as Partial<LockedDebianInput> | null;
  if (typeof input !== "object" || input === null) fail(file, `input '${name}' is not an object`);
  if (input.type !== "debian") fail(file, `input '${name}' has unknown type ${JSON.stringify(input.type)}`);
  for (const key of ["suite", "architecture", "date"] as const) if (typeof input[key] !== "string") fail(file, `input '${name}' has no string '${key}'`);
  if (!Array.isArray(input.components) || !input.components.every((c) => typeof c === "string")) fail(file, `input '${name}' has no list 'components'`);
  if (!Array.isArray(input.indexes)) fail(file, `input '${name}' has no list 'indexes'`);
  if (input.base !== undefined && typeof input.base !== "string") fail(file, `input '${name}' has a 'base' that is not an input name`);
  for (const index of input.indexes) {
    const ok = typeof index === "object" && index !== null && typeof index.component === "string" && typeof index.path === "string" && Number.isSafeInteger(index.size) && /^[0-9a-f]{64}$/.test(String(index.sha256));
    if (!ok) fail(file, `input '${name}' has a malformed index entry`);
    const contents = (index as { contents?: Partial<LockedContents> | null }).contents;
    if (contents !== undefined && (typeof contents !== "object" || contents === null || typeof contents.path !== "string" || !Number.isSafeInteger(contents.size) || !/^[0-9a-f]{64}$/.test(String(contents.sha256)))) {
      fail(file, `input '${name}' has a malformed 'contents' entry`);
    }
  }
  return input as LockedDebianInput;
}

/**
 * Reads the lock at `file`; a missing file is an empty lock.
 *
 * @throws DebianLockError for a file that is not a lock Kiln wrote.
 */
export function readLockFile(file: string): LockFile {
  // What a config's evaluation read: a cached evaluation is reused only while the lock is unchanged.
  noteEvaluationRead({ kind: "file", path: resolve(file) });
  if (!existsSync(file)) return emptyLock();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    fail(file, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const lock = parsed as { version?: unknown; inputs?: unknown } | null;
  if (typeof lock !== "object" || lock === null || lock.version !== 1) fail(file, "no 'version': 1");
  if (typeof lock.inputs !== "object" || lock.inputs === null) fail(file, "no 'inputs' object");
  const inputs: Record<string, LockedDebianInput> = {};
  for (const [name, value] of Object.entries(lock.inputs)) inputs[name] = checkInput(file, name, value);
  return { version: 1, inputs };
}

/** JSON with object keys sorted at every level (array order kept), two-space indented, ending in a newline. */
export function stableJson(value: unknown): string {
  const sort = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sort);
    if (typeof item === "object" && item !== null) {
      return Object.fromEntries(Object.keys(item).sort().map((key) => [key, sort((item as Record<string, unknown>)[key])]));
    }
    return item;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/**
 * Writes `lock` to `file` (atomically) unless the file already holds exactly
 * these bytes. Returns whether it wrote.
 */
export function writeLockFile(file: string, lock: LockFile): boolean {
  const text = stableJson(lock);
  if (existsSync(file) && readFileSync(file, "utf8") === text) return false;
  writeFileAtomically(file, text);
  return true;
}
