/** The newc archives Kiln writes for initramfs images, read back by the layout the kernel unpacks (Documentation/driver-api/early-userspace/buffer-format.rst). */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NewcArchive } from "./newc-archive.js";

/** An entry as read back by the layout of buffer-format.rst: 110-byte header, name, padding to 4, data, padding to 4. */
interface Entry {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly data: string;
}

function entries(bytes: Buffer): Entry[] {
  const found: Entry[] = [];
  let offset = 0;
  for (;;) {
    expect(offset % 4).toBe(0);
    expect(bytes.toString("latin1", offset, offset + 6)).toBe("070701");
    const field = (index: number): number => Number.parseInt(bytes.toString("latin1", offset + 6 + index * 8, offset + 14 + index * 8), 16);
    const nameSize = field(11);
    const size = field(6);
    const name = bytes.toString("utf8", offset + 110, offset + 110 + nameSize - 1);
    expect(bytes[offset + 110 + nameSize - 1]).toBe(0);
    const dataStart = Math.ceil((offset + 110 + nameSize) / 4) * 4;
    if (name === "TRAILER!!!") {
      expect(dataStart).toBe(bytes.length);
      return found;
    }
    found.push({ name, mode: field(1), uid: field(2), gid: field(3), data: bytes.toString("utf8", dataStart, dataStart + size) });
    offset = Math.ceil((dataStart + size) / 4) * 4;
  }
}

describe("newc archives", () => {
  it("hold each parent directory before its entries, with the modes and owners given, aligned to four bytes and ended by the trailer", () => {
    const archive = new NewcArchive();
    archive.file("etc/shadow", "root:*::0:99999:7:::\n", { mode: 0o640, gid: 42 });
    archive.symlink("bin/sh", "busybox");
    archive.directory("home/alice", { mode: 0o700, uid: 1000, gid: 100 });
    expect(entries(archive.bytes())).toEqual([
      { name: "etc", mode: 0o40755, uid: 0, gid: 0, data: "" },
      { name: "etc/shadow", mode: 0o100640, uid: 0, gid: 42, data: "root:*::0:99999:7:::\n" },
      { name: "bin", mode: 0o40755, uid: 0, gid: 0, data: "" },
      { name: "bin/sh", mode: 0o120777, uid: 0, gid: 0, data: "busybox" },
      { name: "home", mode: 0o40755, uid: 0, gid: 0, data: "" },
      { name: "home/alice", mode: 0o40700, uid: 1000, gid: 100, data: "" },
    ]);
  });

  it("take a tree's files, links and modes, with the owners a function gives", () => {
    const dir = mkdtempSync(join(tmpdir(), "kiln-newc-"));
    try {
      mkdirSync(join(dir, "etc"));
      writeFileSync(join(dir, "etc/motd"), "hi\n");
      chmodSync(join(dir, "etc/motd"), 0o600);
      symlinkSync("/kiln/store/x-motd", join(dir, "etc/issue"));
      const archive = new NewcArchive();
      archive.tree(dir, "root", (path) => (path === "root/etc/motd" ? { uid: 7, gid: 8 } : { uid: 0, gid: 0 }));
      const read = entries(archive.bytes());
      expect(read.map(({ name }) => name)).toEqual(["root", "root/etc", "root/etc/issue", "root/etc/motd"]);
      expect(read[2]).toMatchObject({ mode: 0o120777, data: "/kiln/store/x-motd" });
      expect(read[3]).toEqual({ name: "root/etc/motd", mode: 0o100600, uid: 7, gid: 8, data: "hi\n" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
