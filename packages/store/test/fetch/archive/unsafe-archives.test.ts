/**
 * Hostile archives, written with python's tarfile and zipfile (which write
 * whatever names and link targets they are given). Each must be refused with
 * an UnsafeArchiveError naming the entry, leave no destination behind, and
 * write nothing outside it: every case's directory holds only the archive
 * afterwards, and a directory a symlink points at stays empty.
 */
import { existsSync, mkdirSync, readdirSync, readlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsafeArchiveError, unpackArchive } from "../../../src/fetch/archive/index.js";
import { makeWorkspace, python, removeWorkspace } from "./archive-test-helpers.js";

/** One archive member: `type` is file, dir, symlink, hardlink, chr, blk or fifo; `pax` adds pax header records. */
interface Member {
  readonly name: string;
  readonly type: "file" | "dir" | "symlink" | "hardlink" | "chr" | "blk" | "fifo";
  readonly link?: string;
  readonly data?: string;
  readonly pax?: Record<string, string>;
}

const WRITE_TAR = `
import io, json, sys, tarfile
members = json.loads(sys.argv[2])
fmt = {"pax": tarfile.PAX_FORMAT, "gnu": tarfile.GNU_FORMAT}[sys.argv[3]]
types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
         "chr": tarfile.CHRTYPE, "blk": tarfile.BLKTYPE, "fifo": tarfile.FIFOTYPE}
with tarfile.open(sys.argv[1], "w:gz" if sys.argv[1].endswith(".gz") else "w", format=fmt) as tf:
    for m in members:
        info = tarfile.TarInfo(m["name"])
        info.type = types[m["type"]]
        info.linkname = m.get("link", "")
        info.mode = 0o755 if m["type"] == "dir" else 0o644
        data = m.get("data", "").encode()
        info.size = len(data) if m["type"] == "file" else 0
        if m["type"] in ("chr", "blk"): info.devmajor, info.devminor = 1, 3
        if "pax" in m: info.pax_headers = m["pax"]
        tf.addfile(info, io.BytesIO(data) if m["type"] == "file" else None)
`;

const WRITE_ZIP = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as zf:
    for m in json.loads(sys.argv[2]):
        info = zipfile.ZipInfo(m["name"])
        info.create_system = 3
        info.external_attr = m["mode"] << 16
        zf.writestr(info, m.get("data", "").encode())
`;

let workspace = "";
let counter = 0;

beforeAll(() => {
  workspace = makeWorkspace("unsafe");
});

afterAll(() => removeWorkspace(workspace));

/** A fresh directory for one case, and where its archive goes. */
function caseDirectory(extension: string): { dir: string; archive: string; out: string } {
  const dir = join(workspace, `case-${++counter}`);
  mkdirSync(dir);
  return { dir, archive: join(dir, `hostile${extension}`), out: join(dir, "out") };
}

async function expectRefused(
  { dir, archive, out }: { dir: string; archive: string; out: string },
  stripRoot: boolean,
  entryName: string,
  reason: RegExp,
): Promise<UnsafeArchiveError> {
  const error = await unpackArchive(archive, out, { stripRoot }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnsafeArchiveError);
  const unsafe = error as UnsafeArchiveError;
  expect(unsafe.entryName).toBe(entryName);
  expect(unsafe.archive).toBe(archive);
  expect(unsafe.reason).toMatch(reason);
  expect(unsafe.message).toContain(`'${entryName}'`);
  expect(unsafe.message).toContain(archive);
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(dir)).toEqual([basename(archive)]);
  return unsafe;
}

async function refusesTar(members: Member[], entryName: string, reason: RegExp, options: { stripRoot?: boolean; format?: "pax" | "gnu"; extension?: string } = {}): Promise<void> {
  const where = caseDirectory(options.extension ?? ".tar");
  python(WRITE_TAR, where.archive, JSON.stringify(members), options.format ?? "pax");
  await expectRefused(where, options.stripRoot ?? false, entryName, reason);
}

/** A harmless entry first, so every case also checks that what was written before the refusal is removed. */
const FIRST: Member = { name: "first.txt", type: "file", data: "harmless" };

describe("unsafe tar entries", () => {
  it("refuses '../evil'", async () => {
    await refusesTar([FIRST, { name: "../evil", type: "file", data: "x" }], "../evil", /^'\.\.' component$/);
  });

  it("refuses '/abs/evil'", async () => {
    await refusesTar([FIRST, { name: "/abs/evil", type: "file", data: "x" }], "/abs/evil", /^absolute name$/);
    expect(existsSync("/abs/evil")).toBe(false);
  });

  it("refuses 'a/../../evil'", async () => {
    await refusesTar([FIRST, { name: "a/", type: "dir" }, { name: "a/../../evil", type: "file", data: "x" }], "a/../../evil", /'\.\.' component/);
  });

  it("refuses a '..' in a gzipped archive too", async () => {
    await refusesTar([FIRST, { name: "ok/../../evil", type: "dir" }], "ok/../../evil/", /'\.\.' component/, { extension: ".tar.gz" });
  });

  it("refuses a pax 'path' record that climbs out, though the header name is harmless", async () => {
    await refusesTar([FIRST, { name: "harmless", type: "file", data: "x", pax: { path: "../pax-evil" } }], "../pax-evil", /'\.\.' component/);
  });

  it("refuses a GNU long name that climbs out", async () => {
    const name = `../${"x".repeat(150)}`;
    await refusesTar([FIRST, { name, type: "file", data: "x" }], name, /'\.\.' component/, { format: "gnu" });
  });

  it("refuses symlink 'link -> /etc' before 'link/passwd' can be written through it", async () => {
    await refusesTar(
      [FIRST, { name: "link", type: "symlink", link: "/etc" }, { name: "link/passwd", type: "file", data: "root::0:0::/:/bin/sh\n" }],
      "link",
      /symlink pointing outside the tree \(absolute target '\/etc'\)/,
    );
  });

  it("writes nothing through a symlink to a real directory outside (a -> outside, then a/x)", async () => {
    const outside = join(workspace, `outside-${++counter}`);
    mkdirSync(outside);
    await refusesTar([FIRST, { name: "a", type: "symlink", link: outside }, { name: "a/x", type: "file", data: "x" }], "a", /symlink pointing outside the tree/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it("refuses symlink 'up -> ../..'", async () => {
    await refusesTar([FIRST, { name: "up", type: "symlink", link: "../.." }], "up", /symlink pointing outside the tree \('\.\.\/\.\.'\)/);
  });

  it("refuses a nested symlink that climbs one level too far", async () => {
    await refusesTar([FIRST, { name: "a/b/link", type: "symlink", link: "../../../x" }], "a/b/link", /symlink pointing outside the tree/);
  });

  it("refuses a path through a symlink, even one pointing inside the tree", async () => {
    await refusesTar(
      [FIRST, { name: "d/", type: "dir" }, { name: "sub", type: "symlink", link: "d" }, { name: "sub/x", type: "file", data: "x" }],
      "sub/x",
      /path through the symlink 'sub'/,
    );
  });

  it("refuses a symlink that escapes through another symlink ('..' after a symlink goes up from its target)", async () => {
    // d/s points at the top; d/s/.. is therefore the parent of the top, though 'd/s/..' reads as 'd'.
    await refusesTar(
      [FIRST, { name: "d/s", type: "symlink", link: ".." }, { name: "u", type: "symlink", link: "d/s/.." }],
      "u",
      /symlink pointing outside the tree/,
    );
  });

  it("refuses the same escape when the symlink it goes through comes later in the archive", async () => {
    await refusesTar(
      [FIRST, { name: "u", type: "symlink", link: "d/s/.." }, { name: "d/s", type: "symlink", link: ".." }],
      "u",
      /symlink pointing outside the tree \(through other symlinks\)/,
    );
  });

  it("refuses a hard link to '../../x'", async () => {
    await refusesTar([FIRST, { name: "hl", type: "hardlink", link: "../../x" }], "hl", /hard link pointing outside the tree \('\.\.\/\.\.\/x'\)/);
  });

  it("refuses a hard link to an absolute path", async () => {
    await refusesTar([FIRST, { name: "hl", type: "hardlink", link: "/etc/passwd" }], "hl", /hard link pointing outside the tree/);
  });

  it("refuses a character device", async () => {
    await refusesTar([FIRST, { name: "dev", type: "chr" }], "dev", /^character device$/);
  });

  it("refuses a block device", async () => {
    await refusesTar([FIRST, { name: "disk", type: "blk" }], "disk", /^block device$/);
  });

  it("refuses a fifo", async () => {
    await refusesTar([FIRST, { name: "pipe", type: "fifo" }], "pipe", /^fifo$/);
  });
});

describe("unsafe tar entries with stripRoot", () => {
  it("refuses 'root/../../evil'", async () => {
    await refusesTar([{ name: "root/", type: "dir" }, { name: "root/../../evil", type: "file", data: "x" }], "root/../../evil", /'\.\.' component/, {
      stripRoot: true,
    });
  });

  it("refuses 'root/link -> ..', which points above the stripped tree", async () => {
    await refusesTar([{ name: "root/", type: "dir" }, { name: "root/link", type: "symlink", link: ".." }], "root/link", /symlink pointing outside the tree/, {
      stripRoot: true,
    });
  });

  it("refuses a hard link to a file outside the stripped root", async () => {
    await refusesTar(
      [{ name: "root/", type: "dir" }, { name: "root/hl", type: "hardlink", link: "other/x" }],
      "root/hl",
      /hard link pointing outside the tree/,
      { stripRoot: true },
    );
  });
});

describe("unsafe zip entries", () => {
  async function refusesZip(members: { name: string; mode: number; data?: string }[], entryName: string, reason: RegExp): Promise<void> {
    const where = caseDirectory(".zip");
    python(WRITE_ZIP, where.archive, JSON.stringify(members));
    await expectRefused(where, false, entryName, reason);
  }
  const first = { name: "first.txt", mode: 0o100644, data: "harmless" };

  it("refuses '../evil'", async () => {
    await refusesZip([first, { name: "../evil", mode: 0o100644, data: "x" }], "../evil", /'\.\.' component/);
  });

  it("refuses an absolute name", async () => {
    await refusesZip([first, { name: "/abs/evil", mode: 0o100644, data: "x" }], "/abs/evil", /absolute name/);
  });

  it("refuses a symlink (Unix mode 0o120777) pointing at /etc/passwd", async () => {
    await refusesZip([first, { name: "pw", mode: 0o120777, data: "/etc/passwd" }], "pw", /symlink pointing outside the tree/);
  });

  it("refuses a symlink climbing out with '..'", async () => {
    await refusesZip([first, { name: "d/up", mode: 0o120777, data: "../../x" }], "d/up", /symlink pointing outside the tree/);
  });

  it("refuses a fifo", async () => {
    await refusesZip([first, { name: "pipe", mode: 0o010644 }], "pipe", /^fifo$/);
  });

  it("refuses a character device", async () => {
    await refusesZip([first, { name: "dev", mode: 0o020644 }], "dev", /^character device$/);
  });
});

describe("absolute symlinks kept for trees mounted as a root file system", () => {
  it("keeps 'lib64/ld.so -> /lib/ld.so' as it is, and still writes nothing through it", async () => {
    const where = caseDirectory(".tar");
    python(WRITE_TAR, where.archive, JSON.stringify([{ name: "lib64/ld.so", type: "symlink", link: "/lib/x86_64/ld.so" }]), "pax");
    await unpackArchive(where.archive, where.out, { stripRoot: false, absoluteSymlinks: true });
    expect(readlinkSync(join(where.out, "lib64/ld.so"))).toBe("/lib/x86_64/ld.so");
    const through = caseDirectory(".tar");
    python(WRITE_TAR, through.archive, JSON.stringify([FIRST, { name: "link", type: "symlink", link: "/etc" }, { name: "link/passwd", type: "file", data: "x" }]), "pax");
    await expect(unpackArchive(through.archive, through.out, { stripRoot: false, absoluteSymlinks: true })).rejects.toThrow(/path through the symlink 'link'/);
    expect(existsSync(through.out)).toBe(false);
  });
});
