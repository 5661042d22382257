/**
 * An existing store opened only to look into it (what a command answered
 * from the evaluation cache uses): it answers only for a store that is set
 * up and bound to its directory, sees exactly the valid paths a full
 * LocalStore sees, and its result links are garbage-collector roots.
 */
import { existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExistingStore } from "../../src/cache-hit.js";
import { collectGarbage, ForeignStoreError, LocalStore, StoreError } from "../../src/index.js";

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-existing-store-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("an existing store, opened to look", () => {
  it("is not there for a store that was never set up, nor for one whose state directory belongs to another store, and makes nothing", () => {
    const storeDir = join(root, "store");
    const stateDir = join(root, "state");
    expect(ExistingStore.open({ storeDir, stateDir })).toBeUndefined();
    expect(existsSync(stateDir)).toBe(false);
    expect(existsSync(storeDir)).toBe(false);
    LocalStore.open({ storeDir: join(root, "other"), stateDir }).close();
    expect(ExistingStore.open({ storeDir, stateDir })).toBeUndefined();
    expect(() => ExistingStore.open({ storeDir: "/nix/store", stateDir })).toThrow(ForeignStoreError);
  });

  it("sees the valid paths a full store sees, and none that are only on disk", () => {
    const storeDir = join(root, "store");
    const stateDir = join(root, "state");
    const store = LocalStore.open({ storeDir, stateDir });
    const note = join(storeDir, "0b7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-note");
    store.addText(note, "note\n", []);
    store.close();
    // On disk but never registered, as an interrupted build leaves it.
    const stray = join(storeDir, "1b7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-stray");
    writeFileSync(stray, "stray\n");
    const existing = ExistingStore.open({ storeDir, stateDir });
    expect(existing).toBeDefined();
    try {
      expect(existing?.validSubset([note, stray, join(storeDir, "2b7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-none")])).toEqual(new Set([note]));
    } finally {
      existing?.close();
    }
  });

  it("makes result links that are garbage-collector roots, replacing an older link but never another file", () => {
    const storeDir = join(root, "store");
    const stateDir = join(root, "state");
    const store = LocalStore.open({ storeDir, stateDir });
    const kept = join(storeDir, "0b7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-kept");
    const other = join(storeDir, "3b7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-other");
    store.addText(kept, "kept\n", []);
    store.addText(other, "other\n", []);
    store.close();
    const link = join(root, "result");
    const existing = ExistingStore.open({ storeDir, stateDir });
    try {
      existing?.addRootLink(link, other);
      existing?.addRootLink(link, kept);
      const file = join(root, "in-the-way");
      writeFileSync(file, "mine\n");
      expect(() => existing?.addRootLink(file, kept)).toThrow(StoreError);
    } finally {
      existing?.close();
    }
    expect(lstatSync(link).isSymbolicLink() && readlinkSync(link)).toBe(kept);
    const collecting = LocalStore.open({ storeDir, stateDir });
    try {
      expect(collectGarbage(collecting).deleted).toEqual([other]);
      expect(collecting.isValid(kept)).toBe(true);
    } finally {
      collecting.close();
    }
  });
});
