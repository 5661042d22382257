import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CacheDirectoryError, kilnCacheDir, writableKilnCacheDir } from "./kiln-cache-dir.js";

let root = "";
const saved = { KILN_CACHE_DIR: process.env["KILN_CACHE_DIR"], TMPDIR: process.env["TMPDIR"] };
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-cache-dir-"));
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(root, { recursive: true, force: true });
});

describe("Kiln's cache directory", () => {
  it("is KILN_CACHE_DIR when set, and a subdirectory is made in it", () => {
    process.env["KILN_CACHE_DIR"] = join(root, "cache");
    expect(kilnCacheDir()).toBe(join(root, "cache"));
    expect(writableKilnCacheDir("things")).toBe(join(root, "cache", "things"));
    expect(statSync(join(root, "cache", "things")).isDirectory()).toBe(true);
  });

  it("stands in a private temporary directory when it cannot be written, but never in one that is not this user's alone", () => {
    writeFileSync(join(root, "file"), "");
    // Below a file: nothing can be made there, not even by root.
    process.env["KILN_CACHE_DIR"] = join(root, "file", "cache");
    process.env["TMPDIR"] = join(root, "tmp");
    mkdirSync(join(root, "tmp"));
    const fallback = join(root, "tmp", `kiln-things-${userInfo().uid}`);
    expect(writableKilnCacheDir("things")).toBe(fallback);
    expect(statSync(fallback).mode & 0o777).toBe(0o700);
    chmodSync(fallback, 0o777);
    expect(() => writableKilnCacheDir("things")).toThrow(CacheDirectoryError);
    expect(() => writableKilnCacheDir("things")).toThrow(/is not a directory of this user's alone \(mode 0700\); remove it, or set KILN_CACHE_DIR/);
  });
});
