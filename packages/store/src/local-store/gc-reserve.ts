/**
 * Space kept back for the garbage collector, as Nix's `gc-reserved-space`:
 * a file of `KILN_GC_RESERVED_SPACE` bytes (default 8 MiB, Nix's default;
 * 0 turns it off) in the database directory. When the disk is full, SQLite
 * cannot even write the transaction that forgets the paths to delete;
 * `kiln gc` deletes this file first, so it always has room to start.
 */
import { closeSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";

const DEFAULT_RESERVED_SPACE = 8 * 1024 * 1024;

/** How many bytes to keep back, from `KILN_GC_RESERVED_SPACE`. */
function reservedSpace(env: NodeJS.ProcessEnv): number {
  const text = env["KILN_GC_RESERVED_SPACE"];
  if (text === undefined || text === "") return DEFAULT_RESERVED_SPACE;
  const bytes = Number(text);
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : DEFAULT_RESERVED_SPACE;
}

function reservePath(stateDir: string): string {
  return join(stateDir, "db", "reserved");
}

/**
 * Makes the reserve if it is missing or too small. Best effort: on a disk
 * too full for it, what was written is removed again and nothing fails.
 */
export function ensureGcReserve(stateDir: string, env: NodeJS.ProcessEnv = process.env): void {
  const size = reservedSpace(env);
  const path = reservePath(stateDir);
  if (size === 0) {
    // Turned off: a reserve made earlier goes too.
    rmSync(path, { force: true });
    return;
  }
  try {
    if (statSync(path).size >= size) return;
  } catch {
    // Missing: make it.
  }
  let fd: number | undefined;
  try {
    fd = openSync(path, "w", 0o600);
    // Real blocks, not a sparse file: only written bytes hold space back.
    const chunk = Buffer.alloc(Math.min(size, 1024 * 1024));
    for (let written = 0; written < size; ) written += writeSync(fd, chunk, 0, Math.min(chunk.length, size - written));
    const done = fd;
    fd = undefined;
    closeSync(done);
  } catch {
    if (fd !== undefined) closeSync(fd);
    rmSync(path, { force: true });
  }
}

/** Gives the reserved space back to the file system, for the collector's own writes. */
export function releaseGcReserve(stateDir: string): void {
  rmSync(reservePath(stateDir), { force: true });
}
