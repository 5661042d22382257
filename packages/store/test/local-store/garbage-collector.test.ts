/**
 * A garbage collection deletes unregistered leftovers in the store directory,
 * but not one that a running Kiln process holds as a temporary root: a
 * `.drv` that `kiln build` is writing in place, inside the transaction that
 * will register it, is on disk and not yet valid.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { collectGarbage, currentLockOwner, LocalStore } from "../../src/index.js";

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-gc-leftovers-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it("a collection deletes an unregistered leftover nobody holds, and keeps one a live process holds as a temporary root", () => {
  const store = LocalStore.open({ storeDir: join(root, "store"), stateDir: join(root, "state") });
  try {
    const held = join(store.storeDir, "0b7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-held.drv");
    const stray = join(store.storeDir, "1b7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-stray.drv");
    writeFileSync(held, "Derive(");
    writeFileSync(stray, "Derive(");
    store.database.addTempRoots([held], `${currentLockOwner()}:test`);
    collectGarbage(store);
    expect(existsSync(held)).toBe(true);
    expect(existsSync(stray)).toBe(false);
  } finally {
    store.close();
  }
});
