/**
 * An unsandboxed build's output is made canonical where its builder made it
 * (the same files, read-only, mtime 1), unless a copy is what keeps
 * something safe: a file with another name elsewhere (a hard link to a
 * file outside), a directory the builder made unreadable, or a fixed
 * output (CVE-2024-27297) get a fresh copy, as every sandboxed build does.
 */
import { chmodSync, lstatSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashString } from "@kiln/formats";
import { shellDerivation as sh, temporaryStore, type TemporaryStore } from "./temporary-store.js";

let t: TemporaryStore;
beforeEach(() => {
  t = temporaryStore();
});
afterEach(() => t.dispose());

const STAT = "/usr/bin/stat";

/** The inode number the builder wrote down for a file it made. */
function recordedInode(file: string): number {
  return Number(readFileSync(file, "utf8").trim());
}

describe("an unsandboxed build's output", () => {
  it("keeps the files its builder made, made read-only with mtime 1", async () => {
    const noted = join(t.root, "inode");
    const drv = sh("in-place-tree", `/bin/mkdir -p "$out/bin"; echo hi > "$out/data"; echo '#!/bin/sh' > "$out/bin/run"; /bin/chmod 755 "$out/bin/run"; ${STAT} -c %i "$out/data" > ${noted}`);
    const result = await t.realise([drv]);
    expect(result.failed).toEqual([]);
    const data = lstatSync(join(drv.outPath, "data"));
    expect(data.ino).toBe(recordedInode(noted));
    expect(data.mode & 0o7777).toBe(0o444);
    expect(data.mtimeMs).toBe(1000);
    expect(lstatSync(join(drv.outPath, "bin", "run")).mode & 0o7777).toBe(0o555);
    expect(lstatSync(join(drv.outPath, "bin")).mode & 0o7777).toBe(0o555);
    expect(lstatSync(drv.outPath).mtimeMs).toBe(1000);
  });

  it("is a fresh copy when a file in it has another name outside, which keeps its mode and time", async () => {
    const outside = join(t.root, "outside");
    writeFileSync(outside, "host file\n");
    chmodSync(outside, 0o640);
    const before = statSync(outside);
    const drv = sh("hard-linked", `/bin/mkdir "$out"; /bin/ln ${outside} "$out/linked"`);
    const result = await t.realise([drv]);
    expect(result.failed).toEqual([]);
    const copied = lstatSync(join(drv.outPath, "linked"));
    expect(copied.ino).not.toBe(before.ino);
    expect(copied.mode & 0o7777).toBe(0o444);
    expect(readFileSync(join(drv.outPath, "linked"), "utf8")).toBe("host file\n");
    const after = statSync(outside);
    expect(after.mode & 0o7777).toBe(0o640);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it("is a fresh copy when the builder left a directory unreadable, and is stored whole", async () => {
    const drv = sh("unreadable-dir", `/bin/mkdir -p "$out/closed"; echo inside > "$out/closed/file"; /bin/chmod 300 "$out/closed"`);
    const result = await t.realise([drv]);
    expect(result.failed).toEqual([]);
    expect(readFileSync(join(drv.outPath, "closed", "file"), "utf8")).toBe("inside\n");
    expect(lstatSync(join(drv.outPath, "closed")).mode & 0o7777).toBe(0o555);
  });

  it("is a fresh copy when it is a fixed output", async () => {
    const noted = join(t.root, "inode");
    const drv = sh("fixed-in-place", `echo hello > "$out"; ${STAT} -c %i "$out" > ${noted}`, { outputHash: hashString("sha256", "hello\n").toSri() });
    const result = await t.realise([drv]);
    expect(result.failed).toEqual([]);
    expect(lstatSync(drv.outPath).ino).not.toBe(recordedInode(noted));
    expect(lstatSync(drv.outPath).mode & 0o7777).toBe(0o444);
  });

  it("holding a fifo fails the build, naming it, and leaves nothing at the output path", async () => {
    const drv = sh("with-fifo", `/bin/mkdir "$out"; /usr/bin/mkfifo "$out/pipe"`);
    const result = await t.realise([drv]);
    expect(result.failed.map((failure) => failure.message).join("\n")).toMatch(/produced output 'out' that cannot be stored: '.*\/pipe' is a fifo/);
    expect(() => lstatSync(drv.outPath)).toThrow();
  });
});
