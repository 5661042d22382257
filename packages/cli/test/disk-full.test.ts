/**
 * A full disk, for real: the store and its state live on a small tmpfs. A
 * build that fills it fails cleanly (no crash, no build directory, no lock
 * or partial output left), and `kiln gc` can still free space when nothing
 * at all is left. Mounting needs root; elsewhere the test is skipped.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";
import { withDatabase, writeShellConfig } from "./kiln-project.js";

/** Whether this process may mount a tmpfs (root, or a user namespace that allows it). */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), "kiln-mount-probe-"));
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]).status === 0;
  if (mounted) spawnSync("umount", [probe]);
  rmSync(probe, { recursive: true, force: true });
  return mounted;
}
const mountable = canMountTmpfs();

let root = "";
let disk = "";
beforeEach(() => {
  if (!mountable) return;
  root = mkdtempSync(join(tmpdir(), "kiln-full-"));
  disk = join(root, "disk");
  mkdirSync(disk);
  const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", disk], { encoding: "utf8" });
  if (mount.status !== 0) throw new Error(mount.stderr);
});
afterEach(() => {
  if (!mountable) return;
  spawnSync("umount", [disk]);
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

/** Writes zeros to `path` until the file system is full. */
function fillDisk(path: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!mountable)("a full disk (tmpfs, needs root to mount)", () => {
  it("fails the build that filled it cleanly, and kiln gc frees space even when not a byte is left", () => {
    const env = { KILN_STORE_DIR: join(disk, "store") };
    const state = join(disk, "var", "kiln");
    writeShellConfig(
      root,
      `export const garbage = sh("garbage", 'head -c 6000000 /dev/zero > "$out"');
export const hog = sh("hog", 'head -c 100000000 /dev/zero > "$out"; echo "still writing"; exit 0');
export const after = sh("after", 'echo fine > "$out"');`,
    );
    const garbage = runKiln(["build", "kiln.ts#garbage", "--no-link", "--no-sandbox"], root, env);
    expect(garbage.status, garbage.stderr).toBe(0);

    const full = runKiln(["build", "kiln.ts#hog", "--no-link", "--no-sandbox"], root, env);
    expect(full.status).toBe(1);
    expect(full.stderr).not.toContain("Unhandled 'error' event");
    expect(full.stderr).toMatch(/error: .*-hog\.drv.*/);
    expect(full.stderr).toContain("No space left on device");
    // Nothing of it stays: no build directory, no lock, no partial output.
    for (const owner of readdirSync(join(state, "builds"))) expect(readdirSync(join(state, "builds", owner))).toEqual([]);
    expect(withDatabase(state, (database) => database.db.prepare("SELECT * FROM Locks").all())).toEqual([]);
    expect(readdirSync(join(disk, "store")).filter((name) => name.endsWith("-hog"))).toEqual([]);

    // Something else takes every last byte: gc must still be able to delete the garbage.
    fillDisk(join(disk, "other-program"));
    const refused = runKiln(["build", "kiln.ts#after", "--no-link", "--no-sandbox"], root, env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("(the disk is full? 'kiln gc' frees space even then)");
    expect(refused.stderr).not.toContain("this is a bug");
    const gc = runKiln(["gc"], root, env);
    expect(gc.stderr).not.toContain("database or disk is full");
    expect(gc.status, gc.stderr).toBe(0);
    expect(gc.stdout).toContain(garbage.stdout.trim());
    rmSync(join(disk, "other-program"));
    const after = runKiln(["build", "kiln.ts#after", "--no-link", "--no-sandbox"], root, env);
    expect(after.status, after.stderr).toBe(0);
  });
});
