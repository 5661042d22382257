import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { firstOutputDifference } from "./output-difference.js";

let root = "";
let a = "";
let b = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-difference-"));
  a = join(root, "a");
  b = join(root, "b");
  for (const tree of [a, b]) {
    mkdirSync(join(tree, "bin"), { recursive: true });
    mkdirSync(join(tree, "share"));
    writeFileSync(join(tree, "bin", "tool"), "#!/bin/sh\n");
    chmodSync(join(tree, "bin", "tool"), 0o755);
    writeFileSync(join(tree, "share", "z"), "last");
    symlinkSync("../bin/tool", join(tree, "share", "link"));
  }
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("firstOutputDifference", () => {
  it("finds none between trees that serialise alike, whatever their timestamps and read/write bits", () => {
    chmodSync(join(b, "share", "z"), 0o600);
    expect(firstOutputDifference(a, b)).toBeUndefined();
  });

  it("names the first differing file in NAR order, with the first differing byte", () => {
    writeFileSync(join(a, "share", "z"), "lost");
    writeFileSync(join(b, "bin", "tool"), "#!/bin/bash");
    chmodSync(join(b, "bin", "tool"), 0o755);
    expect(firstOutputDifference(a, b)).toEqual({ file: "/bin/tool", reason: "has 10 bytes in the original and 11 in the rebuild" });
    writeFileSync(join(b, "bin", "tool"), "#!/bin/sh\n");
    expect(firstOutputDifference(a, b)).toEqual({ file: "/share/z", reason: "differs from byte 1 on" });
  });

  it("tells entries present on one side only, changed executable bits, kinds and symlink targets", () => {
    writeFileSync(join(b, "share", "m"), "");
    expect(firstOutputDifference(a, b)).toEqual({ file: "/share/m", reason: "is in the rebuild only" });
    rmSync(join(b, "share", "m"));
    chmodSync(join(b, "bin", "tool"), 0o644);
    expect(firstOutputDifference(a, b)).toEqual({ file: "/bin/tool", reason: "is an executable file in the original and a file in the rebuild" });
    chmodSync(join(b, "bin", "tool"), 0o755);
    rmSync(join(b, "share", "link"));
    symlinkSync("../bin/other", join(b, "share", "link"));
    expect(firstOutputDifference(a, b)).toEqual({ file: "/share/link", reason: "points to '../bin/tool' in the original and to '../bin/other' in the rebuild" });
    expect(firstOutputDifference(join(a, "bin"), join(b, "share", "z"))).toEqual({ file: "/", reason: "is a directory in the original and a file in the rebuild" });
  });
});
