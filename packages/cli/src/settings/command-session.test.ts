/**
 * The command session owns the store: it opens it once, when first asked,
 * and closes it when the command ends, also when the command throws; a
 * command that never asks opens nothing (a real SQLite store).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { LocalStore } from "@kiln/core";
import { withSession } from "./command-session.js";

let work = "";
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "kiln-session-"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

it("opens the store once, on first use, and closes it when the command throws", async () => {
  const storeDir = join(work, "store", "store");
  let used: LocalStore | undefined;
  const failing = withSession({ storeDir }, async (session) => {
    used = session.store();
    expect(session.store()).toBe(used);
    expect(session.realiser().name).toBe("local");
    throw new Error("the command failed");
  });
  await expect(failing).rejects.toThrow("the command failed");
  expect(used).toBeDefined();
  // A closed database refuses every query.
  expect(() => used?.isValid(join(storeDir, "x"))).toThrow();
});

it("opens no store for a command that does not ask, and none for the nix realiser's local store", async () => {
  const storeDir = join(work, "store", "store");
  await withSession({ storeDir, realiser: "nix" }, async (session) => {
    expect(session.localStore()).toBeUndefined();
    expect(session.realiser().name).toBe("nix");
  });
  expect(existsSync(join(work, "store"))).toBe(false);
});
