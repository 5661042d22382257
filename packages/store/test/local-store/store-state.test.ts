/**
 * A state directory belongs to one store: its database records the store
 * directory, another store is refused, and a database from an older Kiln
 * that two stores shared is claimed by the first to open it without the
 * other store's paths ever being collected.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectGarbage, LocalStore, StateDirInUseError, StoreDatabase, verifyStore } from "../../src/index.js";

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-state-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("a store's state directory", () => {
  it("is refused to a second store", () => {
    const stateDir = join(root, "state");
    LocalStore.open({ storeDir: join(root, "store"), stateDir }).close();
    expect(() => LocalStore.open({ storeDir: join(root, "other"), stateDir })).toThrow(StateDirInUseError);
    LocalStore.open({ storeDir: join(root, "store"), stateDir }).close();
  });

  it("is refused when new but the store already holds paths it does not know, which its gc would delete", () => {
    const storeDir = join(root, "store");
    const store = LocalStore.open({ storeDir, stateDir: join(root, "state") });
    store.addText(join(storeDir, "0b7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-note"), "note\n", []);
    store.close();
    expect(() => LocalStore.open({ storeDir, stateDir: join(root, "moved") })).toThrow(
      `the store '${storeDir}' already holds 1 paths (e.g. '${join(storeDir, "0b7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-note")}'), but the state directory '${join(root, "moved")}' has no database that knows them`,
    );
    LocalStore.open({ storeDir, stateDir: join(root, "state") }).close();
  });

  it("shared by two stores under an older Kiln, is claimed by the first, whose gc and verify leave the other's paths alone", () => {
    const stateDir = join(root, "state");
    const otherPath = join(root, "other", "00000000000000000000000000000000-theirs");
    mkdirSync(join(root, "other"));
    writeFileSync(otherPath, "theirs\n");
    // As an older Kiln left it: no store directory recorded (only LocalStore records one), another store's paths and roots registered.
    const legacy = new StoreDatabase(join(stateDir, "db", "db.sqlite"));
    legacy.registerPaths([{ path: otherPath, narHash: "sha256:00", narSize: 1, deriver: undefined, references: [], ca: undefined }]);
    legacy.addRoot(join(root, "their-result"), otherPath);
    legacy.close();

    const store = LocalStore.open({ storeDir: join(root, "store"), stateDir });
    try {
      const result = collectGarbage(store);
      expect(result.deleted).toEqual([]);
      expect(verifyStore(store, { checkContents: true }).problems).toEqual([]);
      expect(store.isValid(otherPath)).toBe(true);
      expect(existsSync(otherPath)).toBe(true);
      expect(store.database.roots()).toEqual([{ link: join(root, "their-result"), target: otherPath }]);
    } finally {
      store.close();
    }
    expect(() => LocalStore.open({ storeDir: join(root, "other"), stateDir })).toThrow(/belongs to the store '.*\/store', not to '.*\/other'/);
  });
});
