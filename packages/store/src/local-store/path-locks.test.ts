/**
 * A build's locks may be released in its registration's transaction: once
 * that commits, the registration is there and the locks are free for
 * another holder; if the registration fails, neither is written and the
 * locks stay held until released as usual.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { processStartTime } from "../realise/build-processes.js";
import { currentLockOwner, PathLocks } from "./path-locks.js";
import { StoreDatabase } from "./store-database.js";

const OUT = "/store/00000000000000000000000000000000-out";

let dir = "";
let database: StoreDatabase;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kiln-path-locks-"));
  database = new StoreDatabase(join(dir, "db.sqlite"));
});
afterEach(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

const info = { path: OUT, narHash: "sha256:00", narSize: 1, deriver: undefined, references: [], ca: undefined };

describe("releasing locks with a registration", () => {
  it("frees them once the registration is committed", () => {
    const locks = new PathLocks(database);
    // Another holder in this process: its rows count as a live owner's.
    const other = new PathLocks(database);
    expect(locks.tryAcquire([OUT])).toBe(true);
    expect(other.tryAcquire([OUT])).toBe(false);
    locks.releaseWith([OUT], () => database.registerPaths([info]));
    expect(database.isValid(OUT)).toBe(true);
    expect(locks.lockedPaths()).toEqual([]);
    expect(other.tryAcquire([OUT])).toBe(true);
  });

  it("writes neither when the registration fails, and keeps the locks until they are released", () => {
    const locks = new PathLocks(database);
    const other = new PathLocks(database);
    expect(locks.tryAcquire([OUT])).toBe(true);
    const dangling = { ...info, references: ["/store/11111111111111111111111111111111-missing"] };
    expect(() => locks.releaseWith([OUT], () => database.registerPaths([dangling]))).toThrow(/is not valid/);
    expect(database.isValid(OUT)).toBe(false);
    expect(locks.lockedPaths()).toEqual([OUT]);
    expect(other.tryAcquire([OUT])).toBe(false);
    locks.release([OUT]);
    expect(other.tryAcquire([OUT])).toBe(true);
  });
});

describe("a builder recorded under a lock", () => {
  it("with the start time its starter read, is stopped by the next holder once the lock's owner has died", async () => {
    const locks = new PathLocks(database);
    expect(locks.tryAcquire([OUT])).toBe(true);
    const builder = spawn("sleep", ["300"], { detached: true, stdio: "ignore" });
    const pid = builder.pid as number;
    const exited = new Promise((resolve) => builder.once("exit", resolve));
    locks.setBuilder([OUT], pid, processStartTime(pid));
    // This process's rows as a dead process's: an owner id no running process has.
    database.db.prepare("UPDATE Locks SET owner = ? WHERE path = ?").run(`${currentLockOwner().split(":")[0]}:2147483646:1`, OUT);
    expect(new PathLocks(database).tryAcquire([OUT])).toBe(true);
    await exited;
    expect(builder.signalCode).toBe("SIGKILL");
  });
});
