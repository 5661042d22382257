/**
 * Build directories are kept for the process's next build only when
 * emptying them is safe and cheap: every build starts in an empty build
 * directory of mode 0700 at a path no other build had, a directory a
 * builder has tampered with (a symlink in place of one of its directories,
 * a subdirectory, a changed mode) is removed instead, nothing a symlink
 * points at is touched, and none is left once the realisation waits for them.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUILD_DIR_NAME, buildRootsRemoved, makeBuildRoot, releaseBuildRoot } from "./build-directories.js";

let stateDir = "";
let outside = "";
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "kiln-build-dirs-"));
  outside = join(stateDir, "outside");
  writeFileSync(outside, "untouched\n");
});
afterEach(async () => {
  await buildRootsRemoved();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Every build root of this process under the state directory. */
function roots(): string[] {
  const builds = join(stateDir, "builds");
  return readdirSync(builds).flatMap((owner) => readdirSync(join(builds, owner)).map((name) => join(builds, owner, name)));
}

function expectFreshRoot(root: string): void {
  expect(lstatSync(root).mode & 0o7777).toBe(0o700);
  expect(lstatSync(join(root, BUILD_DIR_NAME)).mode & 0o7777).toBe(0o700);
  expect(readdirSync(join(root, BUILD_DIR_NAME))).toEqual([]);
}

describe("build roots", () => {
  it("are reused emptied, under another name, after a build that left only files", () => {
    const first = makeBuildRoot(stateDir, "first");
    writeFileSync(join(first, BUILD_DIR_NAME, "left-behind"), "x");
    symlinkSync(outside, join(first, BUILD_DIR_NAME, "link-out"));
    mkdirSync(join(first, "etc"));
    writeFileSync(join(first, "etc", "passwd"), "x");
    releaseBuildRoot(first);
    const second = makeBuildRoot(stateDir, "second");
    expect(second).not.toBe(first);
    expect(existsSync(first)).toBe(false);
    expect(second).toContain("second-");
    expectFreshRoot(second);
    expect(readdirSync(join(second, "etc"))).toEqual([]);
    expect(readFileSync(outside, "utf8")).toBe("untouched\n");
    expect(roots()).toEqual([second]);
  });

  it.each([
    ["a symlink in place of the sandbox's store", (root: string) => symlinkSync(stateDir, join(root, "store"))],
    ["a subdirectory in the build directory", (root: string) => mkdirSync(join(root, BUILD_DIR_NAME, "sub"))],
    ["a build directory opened to others", (root: string) => chmodSync(join(root, BUILD_DIR_NAME), 0o777)],
    ["a file beside the build directory", (root: string) => writeFileSync(join(root, "planted"), "x")],
  ])("are removed, not reused, after a build that left %s", async (_what, tamper) => {
    const first = makeBuildRoot(stateDir, "first");
    tamper(first);
    releaseBuildRoot(first);
    const second = makeBuildRoot(stateDir, "second");
    expectFreshRoot(second);
    expect(readdirSync(second)).toEqual([BUILD_DIR_NAME]);
    await buildRootsRemoved();
    expect(existsSync(first)).toBe(false);
    expect(existsSync(stateDir)).toBe(true);
    expect(readFileSync(outside, "utf8")).toBe("untouched\n");
  });

  it("are all gone once the realisation has waited for them, those kept for reuse too", async () => {
    const kept = makeBuildRoot(stateDir, "kept");
    const tampered = makeBuildRoot(stateDir, "tampered");
    mkdirSync(join(tampered, BUILD_DIR_NAME, "objects"));
    writeFileSync(join(tampered, BUILD_DIR_NAME, "objects", "a.o"), "x");
    releaseBuildRoot(kept);
    releaseBuildRoot(tampered);
    await buildRootsRemoved();
    expect(roots()).toEqual([]);
  });
});
