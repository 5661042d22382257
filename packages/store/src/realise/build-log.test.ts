/**
 * A build log keeps every byte the builder wrote, in order, whether it came
 * before the file was open or after, and hands each line to its listener at
 * once; a log file that cannot be made is reported, not thrown, and the
 * lines still reach the listener. A silent builder's empty log is made after
 * it ended.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BuildLog, buildLogsWritten } from "./build-log.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kiln-build-log-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("build logs", () => {
  it("keep what came before the file was open and after it, in order, and hand each line over at once", async () => {
    const lines: string[] = [];
    const path = join(dir, "ab", "cdef-x.drv");
    const log = new BuildLog(path, (line) => lines.push(line));
    log.write(Buffer.from("first\nsec"));
    expect(lines).toEqual(["first"]);
    // Let the file open, then write more.
    await new Promise((resolve) => setTimeout(resolve, 50));
    log.write(Buffer.from("ond\nthird"));
    await log.close();
    expect(readFileSync(path, "utf8")).toBe("first\nsecond\nthird");
    expect(lines).toEqual(["first", "second", "third"]);
    expect(log.writeError).toBeUndefined();
    expect(log.lastLines()).toEqual(["first", "second", "third"]);
  });

  it("go into their directory whether it is there already or not, replacing an earlier log of the same build", async () => {
    const first = join(dir, "gh", "ijkl-y.drv");
    const second = join(dir, "gh", "mnop-z.drv");
    for (const [path, text] of [[first, "one\n"], [second, "two\n"], [first, "again\n"]] as const) {
      const log = new BuildLog(path, () => {});
      log.write(Buffer.from(text));
      await log.close();
      expect(log.writeError).toBeUndefined();
    }
    expect(readFileSync(first, "utf8")).toBe("again\n");
    expect(readFileSync(second, "utf8")).toBe("two\n");
  });

  it("are made at the builder's first output, not before", async () => {
    const path = join(dir, "qr", "stuv-w.drv");
    const log = new BuildLog(path, () => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(path)).toBe(false);
    log.write(Buffer.from("now\n"));
    await log.close();
    expect(readFileSync(path, "utf8")).toBe("now\n");
  });

  it("of a builder that wrote nothing are empty files made after it ended, replacing an earlier log, and waited for by buildLogsWritten", async () => {
    const path = join(dir, "qr", "silent-x.drv");
    mkdirSync(join(dir, "qr"));
    writeFileSync(path, "an earlier build's output\n");
    const log = new BuildLog(path, () => {});
    await log.close();
    await buildLogsWritten();
    expect(readFileSync(path, "utf8")).toBe("");
    expect(log.writeError).toBeUndefined();
    const fresh = join(dir, "yz", "silent-y.drv");
    await new BuildLog(fresh, () => {}).close();
    await buildLogsWritten();
    expect(readFileSync(fresh, "utf8")).toBe("");
  });

  it("report a file that cannot be made, and still hand the lines over", async () => {
    const blocker = join(dir, "not-a-directory");
    writeFileSync(blocker, "");
    const lines: string[] = [];
    const log = new BuildLog(join(blocker, "x.drv"), (line) => lines.push(line));
    log.write(Buffer.from("still heard\n"));
    await log.close();
    expect(lines).toEqual(["still heard"]);
    expect((log.writeError as NodeJS.ErrnoException | undefined)?.code).toMatch(/^(EEXIST|ENOTDIR)$/);
  });
});
