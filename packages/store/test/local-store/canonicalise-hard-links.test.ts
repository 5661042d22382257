/**
 * Canonicalising a tree Kiln wrote (a built-in fetcher's output, an unpacked
 * archive) keeps hard links among the tree's own files, as Nix keeps links
 * within one build, and copies away any file that also has a name outside
 * the tree, so the outside file keeps its mode and time.
 */
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canonicalisePathMetadata, deletePathRecursively } from "../../src/local-store/canonicalise.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kiln-canonicalise-"));
});
afterEach(() => {
  deletePathRecursively(join(dir, "tree"));
  rmSync(dir, { recursive: true, force: true });
});

function modeTimeLinks(path: string): [number, number, number] {
  const stats = lstatSync(path);
  return [stats.mode & 0o7777, stats.mtimeMs, stats.nlink];
}

describe("hard links when canonicalising", () => {
  it("links among the tree's own files stay one file, read-only with mtime 1", () => {
    const tree = join(dir, "tree");
    mkdirSync(join(tree, "lib/dri"), { recursive: true });
    writeFileSync(join(tree, "lib/dri/crocus.so"), "driver\n", { mode: 0o755 });
    for (const name of ["iris.so", "i915.so"]) linkSync(join(tree, "lib/dri/crocus.so"), join(tree, "lib/dri", name));
    linkSync(join(tree, "lib/dri/crocus.so"), join(tree, "top.so"));
    canonicalisePathMetadata(tree);
    const inode = lstatSync(join(tree, "lib/dri/crocus.so")).ino;
    for (const name of ["lib/dri/crocus.so", "lib/dri/iris.so", "lib/dri/i915.so", "top.so"]) {
      expect(lstatSync(join(tree, name)).ino, name).toBe(inode);
      expect(modeTimeLinks(join(tree, name)), name).toEqual([0o555, 1000, 4]);
    }
    expect(modeTimeLinks(join(tree, "lib/dri"))).toEqual([0o555, 1000, 2]);
  });

  it("a file that also has a name outside the tree is replaced by a copy in every name inside; the outside file is untouched", () => {
    const outside = join(dir, "outside");
    writeFileSync(outside, "host file\n", { mode: 0o644 });
    utimesSync(outside, 1_700_000_000, 1_700_000_000);
    const tree = join(dir, "tree");
    mkdirSync(tree);
    linkSync(outside, join(tree, "a"));
    linkSync(outside, join(tree, "b"));
    canonicalisePathMetadata(tree);
    expect(modeTimeLinks(outside)).toEqual([0o644, 1_700_000_000_000, 1]);
    for (const name of ["a", "b"]) {
      expect(modeTimeLinks(join(tree, name)), name).toEqual([0o444, 1000, 1]);
      expect(readFileSync(join(tree, name), "utf8")).toBe("host file\n");
    }
  });
});
