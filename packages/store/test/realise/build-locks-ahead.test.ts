/**
 * While a builder runs, the realiser takes the output locks of the builds
 * that wait on it alone, so that each link of a chain starts without a
 * database write of its own; locks taken ahead for builds that never start
 * are given back, and a build whose lock another process holds still waits.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalStore } from "../../src/index.js";
import { shellDerivation as sh, temporaryStore, type TemporaryStore } from "./temporary-store.js";

let t: TemporaryStore;
beforeEach(() => {
  t = temporaryStore();
});
afterEach(() => t.dispose());

/** A builder that waits until `marker` exists (at most ten seconds), then runs `then`. */
function waitingFor(marker: string, then: string): string {
  return `i=0; while [ ! -e ${marker} ] && [ $i -lt 1000 ]; do i=$((i+1)); /bin/sleep 0.01; done; ${then}`;
}

/** The paths another process (a second store handle, as `kiln gc` opens one) sees locked by a live process. */
function lockedSeenFromOutside(): string[] {
  const other = LocalStore.open({ storeDir: t.store.storeDir, stateDir: join(t.root, "state") });
  try {
    return other.locks.lockedPaths();
  } finally {
    other.close();
  }
}

/** Polls until `check` holds (at most five seconds). */
async function eventually(check: () => boolean): Promise<void> {
  for (let tries = 0; tries < 500 && !check(); tries++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

describe("build locks taken ahead", () => {
  it("while a build runs, the build waiting on it alone is locked already, and every lock is gone once the chain is built", async () => {
    const marker = join(t.root, "go");
    const first = sh("ahead-first", waitingFor(marker, 'echo first > "$out"'));
    const second = sh("ahead-second", `/bin/cat ${first} > "$out"`);
    const realised = t.realise([second], { jobs: 1 });
    await eventually(() => lockedSeenFromOutside().includes(first.outPath));
    await eventually(() => lockedSeenFromOutside().includes(second.outPath));
    writeFileSync(marker, "");
    const result = await realised;
    expect(result.failed).toEqual([]);
    expect(t.store.isValid(second.outPath)).toBe(true);
    expect(lockedSeenFromOutside()).toEqual([]);
  });

  it("a build locked ahead whose input fails is never started and its lock is given back, so the next realisation in this process can build it", async () => {
    const marker = join(t.root, "go");
    const failing = sh("ahead-failing", waitingFor(marker, "exit 4"));
    const after = sh("ahead-after", `/bin/cat ${failing} > "$out"`);
    const realised = t.realise([after], { jobs: 1 });
    await eventually(() => lockedSeenFromOutside().includes(after.outPath));
    writeFileSync(marker, "");
    const result = await realised;
    expect(result.failed.map((failure) => failure.drvPath)).toEqual([failing.drvPath]);
    expect(lockedSeenFromOutside()).toEqual([]);
    expect(t.store.locks.tryAcquire([after.outPath])).toBe(true);
    t.store.locks.release([after.outPath]);
  });

  it("a build whose output another live process has locked is not locked ahead: it waits for that lock, and builds once it is free", async () => {
    const marker = join(t.root, "go");
    const first = sh("ahead-blocked-first", waitingFor(marker, 'echo first > "$out"'));
    const second = sh("ahead-blocked-second", `/bin/cat ${first} > "$out"`);
    const other = LocalStore.open({ storeDir: t.store.storeDir, stateDir: join(t.root, "state") });
    try {
      // Another handle in this process stands for another process: its locks are its own.
      expect(other.locks.tryAcquire([second.outPath])).toBe(true);
      const realised = t.realise([second], { jobs: 1 });
      writeFileSync(marker, "");
      await eventually(() => existsSync(first.outPath) && t.store.isValid(first.outPath));
      expect(t.store.isValid(second.outPath)).toBe(false);
      other.locks.release([second.outPath]);
      const result = await realised;
      expect(result.failed).toEqual([]);
      expect(result.events.some((event) => event.type === "build-waiting" && event.drvPath === second.drvPath)).toBe(true);
      expect(t.store.isValid(second.outPath)).toBe(true);
    } finally {
      other.close();
    }
  });
});
