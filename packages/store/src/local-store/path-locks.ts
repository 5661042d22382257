/**
 * Per-output build locks shared by every Kiln process using one store.
 *
 * Node has no `flock`, so locks are rows in the store database, taken in a
 * transaction (SQLite serialises writers, so two processes can never both
 * take one lock). A lock whose owner process is gone (killed with -9, or
 * from before a reboot) is stale and is taken over. The owner is identified
 * by boot id, pid and process start time, so a reused pid is not mistaken
 * for the owner.
 */
import { existsSync, readFileSync } from "node:fs";
import type { StoreDatabase } from "./store-database.js";

function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "unknown-boot";
  }
}

/** The start time of process `pid` in clock ticks since boot, or `undefined` if it is not running. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses; fields after the last ')' are plain.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

const BOOT_ID = bootId();

/** This process's owner token, made once: every build asks for it, and it cannot change while the process runs. */
let ownToken: string | undefined;

/** This process's owner token. */
export function currentLockOwner(): string {
  ownToken ??= `${BOOT_ID}:${process.pid}:${processStartTime(process.pid) ?? "?"}`;
  return ownToken;
}

/** Whether the process that wrote `owner` is still running. */
export function isLockOwnerAlive(owner: string): boolean {
  const [boot, pidText, start] = owner.split(":");
  if (boot !== BOOT_ID) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (!existsSync(`/proc/${pid}`)) {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
  }
  const actualStart = processStartTime(pid);
  return actualStart === undefined || start === "?" || actualStart === start;
}

/** Kills the process group of a builder whose Kiln process died, if it still runs. */
function killStaleBuilder(builder: string): void {
  if (!isLockOwnerAlive(builder)) return;
  const pid = Number(builder.split(":")[1]);
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // It ended meanwhile.
  }
}

/** Locks on store paths (usually the outputs of one derivation). */
export class PathLocks {
  private readonly owner = currentLockOwner();
  private readonly held = new Set<string>();

  constructor(private readonly database: StoreDatabase) {}

  /** Takes all of `paths` or none; `false` if another live process holds one. */
  tryAcquire(paths: readonly string[]): boolean {
    this.flushReleases();
    if (paths.some((path) => this.held.has(path))) return false;
    const db = this.database.db;
    const select = this.database.statement<[string], { owner: string; builder: string | null }>("SELECT owner, builder FROM Locks WHERE path = ?");
    const upsert = this.database.statement("INSERT OR REPLACE INTO Locks (path, pid, owner, acquired) VALUES (?, ?, ?, ?)");
    const acquired = db
      .transaction(() => {
        const stale: string[] = [];
        for (const path of paths) {
          const row = select.get(path);
          if (row === undefined) continue;
          if (isLockOwnerAlive(row.owner)) return false;
          if (row.builder !== null) stale.push(row.builder);
        }
        // A builder left running by a killed Kiln would go on writing into the output: stop it first.
        for (const builder of stale) killStaleBuilder(builder);
        const now = Date.now();
        for (const path of paths) upsert.run(path, process.pid, this.owner, now);
        return true;
      })
      .immediate();
    if (acquired) for (const path of paths) this.held.add(path);
    return acquired;
  }

  /** Waits until all of `paths` can be taken. `onWait` is called once if it has to wait. */
  async acquire(paths: readonly string[], options: { signal?: AbortSignal; onWait?: () => void } = {}): Promise<void> {
    let delay = 20;
    let waited = false;
    while (!this.tryAcquire(paths)) {
      options.signal?.throwIfAborted();
      if (!waited) {
        waited = true;
        options.onWait?.();
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 500);
    }
  }

  /**
   * Records the process group of the builder working under these locks, so
   * a later run can stop it if this process dies. `startTime`: the builder's
   * start time, if its starter read it already (else it is read here).
   */
  setBuilder(paths: readonly string[], pid: number, startTime?: number): void {
    const update = this.database.statement("UPDATE Locks SET builder = ? WHERE path = ? AND owner = ?");
    const builder = `${BOOT_ID}:${pid}:${startTime ?? processStartTime(pid) ?? "?"}`;
    this.database.db.transaction(() => {
      for (const path of paths) if (this.held.has(path)) update.run(builder, path, this.owner);
    }).immediate();
  }

  /**
   * Releases locks this process holds. Never throws: a release the database
   * refuses (a full disk) is retried with the next release or acquisition,
   * and a row left by a process that has ended is stale for everyone else.
   */
  release(paths: readonly string[]): void {
    for (const path of paths) if (this.held.has(path)) this.unreleased.add(path);
    this.flushReleases();
  }

  private readonly unreleased = new Set<string>();

  /**
   * Runs `work` (database writes: a build's registration) and releases
   * `paths` in the same transaction, which saves a build a commit of its own
   * for the release. If anything fails, nothing is written and the locks are
   * still held: {@link PathLocks.release} lets go of them as usual.
   */
  releaseWith<T>(paths: readonly string[], work: () => T): T {
    const remove = this.database.statement("DELETE FROM Locks WHERE path = ? AND owner = ?");
    const held = paths.filter((path) => this.held.has(path));
    const result = this.database.db
      .transaction(() => {
        const done = work();
        for (const path of held) remove.run(path, this.owner);
        return done;
      })
      .immediate();
    for (const path of held) {
      this.held.delete(path);
      this.unreleased.delete(path);
    }
    return result;
  }

  private flushReleases(): void {
    if (this.unreleased.size === 0) return;
    const remove = this.database.statement("DELETE FROM Locks WHERE path = ? AND owner = ?");
    const paths = [...this.unreleased];
    try {
      this.database.db.transaction(() => {
        for (const path of paths) remove.run(path, this.owner);
      }).immediate();
    } catch {
      return;
    }
    for (const path of paths) {
      this.unreleased.delete(path);
      this.held.delete(path);
    }
  }

  /** Lock rows of processes that have ended (killed with -9, or from before a reboot). */
  private deadOwnerRows(): { path: string; owner: string; builder: string | null }[] {
    const rows = this.database.statement<[], { path: string; owner: string; builder: string | null }>("SELECT path, owner, builder FROM Locks").all();
    return rows.filter((row) => !isLockOwnerAlive(row.owner));
  }

  /** Stops the builders that processes which have ended left running. Writes nothing. */
  stopOrphanedBuilders(): void {
    for (const row of this.deadOwnerRows()) if (row.builder !== null) killStaleBuilder(row.builder);
  }

  /** Forgets the locks of processes that have ended, first stopping builders they left running. Returns how many rows went. */
  forgetDeadOwners(): number {
    const dead = this.deadOwnerRows();
    if (dead.length === 0) return 0;
    for (const row of dead) if (row.builder !== null) killStaleBuilder(row.builder);
    const remove = this.database.statement("DELETE FROM Locks WHERE path = ? AND owner = ?");
    this.database.db.transaction(() => {
      for (const row of dead) remove.run(row.path, row.owner);
    }).immediate();
    return dead.length;
  }

  /** Every path locked by a live process. */
  lockedPaths(): string[] {
    return this.lockedPathOwners().map((row) => row.path);
  }

  /** Every path locked by a live process, with its owner. */
  lockedPathOwners(): { path: string; owner: string }[] {
    const rows = this.database.statement<[], { path: string; owner: string }>("SELECT path, owner FROM Locks").all();
    return rows.filter((row) => isLockOwnerAlive(row.owner));
  }
}
