/**
 * The zip reader on its own, on what python's zipfile writes: compression
 * methods, Unix modes and symlinks, archives without Unix modes, zip64 end
 * records, prepended stubs, Info-ZIP Unicode paths, and the errors for what
 * it does not support.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveFormatError, readZip, unpackArchive, type ZipEntry } from "../../../src/fetch/archive/index.js";
import { makeWorkspace, python, removeWorkspace } from "./archive-test-helpers.js";

const hasZipCli = spawnSync("zip", ["-v"]).status === 0;

interface ReadEntry {
  readonly name: string;
  readonly type: ZipEntry["type"];
  readonly mode: number;
  readonly unixFileType: number;
  readonly linkName: string;
  readonly size: number;
  readonly body: string;
}

async function readAll(file: string): Promise<ReadEntry[]> {
  const entries: ReadEntry[] = [];
  for await (const entry of readZip(file)) {
    const pieces: Buffer[] = [];
    for await (const piece of entry.body) pieces.push(piece);
    const { name, type, mode, unixFileType, linkName, size } = entry;
    entries.push({ name, type, mode, unixFileType, linkName, size, body: Buffer.concat(pieces).toString("utf8") });
  }
  return entries;
}

let workspace = "";
beforeAll(() => {
  workspace = makeWorkspace("zip-reader");
});
afterAll(() => removeWorkspace(workspace));

describe("readZip", () => {
  it("reads stored, deflated and bzip2 entries, with Unix modes, symlinks and directories", async () => {
    const file = join(workspace, "methods.zip");
    python(
      `import sys, zipfile
text = b"compressible text " * 5000
with zipfile.ZipFile(sys.argv[1], "w") as zf:
    def add(name, data, mode, method=zipfile.ZIP_STORED):
        info = zipfile.ZipInfo(name); info.create_system = 3; info.external_attr = mode << 16; info.compress_type = method
        zf.writestr(info, data)
    add("r/", b"", 0o40755)
    add("r/stored", b"stored", 0o100644)
    add("r/deflated", text, 0o100755, zipfile.ZIP_DEFLATED)
    add("r/bzip2", text, 0o100644, zipfile.ZIP_BZIP2)
    add("r/link", b"deflated", 0o120777)
    add("r/fifo", b"", 0o10644)`,
      file,
    );
    const text = "compressible text ".repeat(5000);
    expect(await readAll(file)).toEqual([
      { name: "r/", type: "directory", mode: 0o755, unixFileType: 0o040000, linkName: "", size: 0, body: "" },
      { name: "r/stored", type: "file", mode: 0o644, unixFileType: 0o100000, linkName: "", size: 6, body: "stored" },
      { name: "r/deflated", type: "file", mode: 0o755, unixFileType: 0o100000, linkName: "", size: text.length, body: text },
      { name: "r/bzip2", type: "file", mode: 0o644, unixFileType: 0o100000, linkName: "", size: text.length, body: text },
      { name: "r/link", type: "symlink", mode: 0o777, unixFileType: 0o120000, linkName: "deflated", size: 0, body: "" },
      { name: "r/fifo", type: "other", mode: 0o644, unixFileType: 0o010000, linkName: "", size: 0, body: "" },
    ]);
  });

  it("reads archives without Unix modes (made on DOS/Windows): directories by their slash or attribute", async () => {
    const file = join(workspace, "dos.zip");
    python(
      `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as zf:
    for name, attributes, data in [("w/", 0x10, b""), ("w/attr-dir", 0x10, b""), ("w/file.txt", 0x20, b"dos")]:
        info = zipfile.ZipInfo(name); info.create_system = 0; info.external_attr = attributes
        zf.writestr(info, data)`,
      file,
    );
    expect((await readAll(file)).map(({ name, type, mode, unixFileType }) => ({ name, type, mode, unixFileType }))).toEqual([
      { name: "w/", type: "directory", mode: 0o755, unixFileType: 0 },
      { name: "w/attr-dir", type: "directory", mode: 0o755, unixFileType: 0 },
      { name: "w/file.txt", type: "file", mode: 0o644, unixFileType: 0 },
    ]);
  });

  it("reads UTF-8 names (flag bit 11) and Info-ZIP Unicode path fields", async () => {
    const file = join(workspace, "unicode.zip");
    python(
      `import struct, sys, zipfile, zlib
with zipfile.ZipFile(sys.argv[1], "w") as zf:
    zf.writestr("r/ünïcødé ✓", b"flagged")
    info = zipfile.ZipInfo("r/plain-name")
    unicode = "r/été".encode()
    info.extra = struct.pack("<HHBI", 0x7075, 5 + len(unicode), 1, zlib.crc32(b"r/plain-name")) + unicode
    zf.writestr(info, b"from extra field")
    stale = zipfile.ZipInfo("r/renamed")
    stale.extra = struct.pack("<HHBI", 0x7075, 5 + len(unicode), 1, zlib.crc32(b"r/old-name")) + unicode
    zf.writestr(stale, b"stale extra field")`,
      file,
    );
    // The third entry's Unicode field belongs to a name it no longer has, so it is ignored.
    expect((await readAll(file)).map((entry) => [entry.name, entry.body])).toEqual([
      ["r/ünïcødé ✓", "flagged"],
      ["r/été", "from extra field"],
      ["r/renamed", "stale extra field"],
    ]);
  });

  it("reads a zip64 end-of-central-directory record (more than 65535 entries)", async () => {
    const file = join(workspace, "many.zip");
    python(
      `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as zf:
    for i in range(65537): zf.writestr("m/%05d" % i, b"")`,
      file,
    );
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    let count = 0;
    let last = "";
    for await (const entry of readZip(file)) {
      count++;
      last = entry.name;
    }
    expect(count).toBe(65537);
    expect(last).toBe("m/65536");
  });

  it.skipIf(!hasZipCli)("reads zip64 extra fields (zip -fz)", async () => {
    const dir = join(workspace, "fz");
    python(`import os, sys\nos.makedirs(sys.argv[1])\nopen(os.path.join(sys.argv[1], "h.txt"), "w").write("hello\\n")`, dir);
    const file = join(workspace, "fz.zip");
    expect(spawnSync("zip", ["-q", "-fz", file, "h.txt"], { cwd: dir }).status).toBe(0);
    expect(await readAll(file)).toMatchObject([{ name: "h.txt", size: 6, body: "hello\n" }]);
  });

  it("reads an archive with data prepended (a self-extractor stub)", async () => {
    const file = join(workspace, "plain.zip");
    python(`import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as zf: zf.writestr("s/x", b"inside")`, file);
    const stubbed = join(workspace, "stubbed.zip");
    writeFileSync(stubbed, Buffer.concat([Buffer.alloc(1000, 0x90), readFileSync(file)]));
    expect(await readAll(stubbed)).toMatchObject([{ name: "s/x", body: "inside" }]);
  });

  it("refuses an unsupported compression method, naming the entry", async () => {
    const file = join(workspace, "lzma.zip");
    python(`import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_LZMA) as zf: zf.writestr("l/x", b"lzma")`, file);
    await expect(readAll(file)).rejects.toThrow(/zip entry 'l\/x' uses compression method 14/);
  });

  it("refuses an encrypted entry", async () => {
    const file = join(workspace, "encrypted.zip");
    python(`import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as zf: zf.writestr("e/secret", b"x")`, file);
    const bytes = readFileSync(file);
    // Set the "encrypted" flag in the central directory record (flags are at offset 8).
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes[central + 8] = (bytes[central + 8] ?? 0) | 1;
    writeFileSync(file, bytes);
    await expect(readAll(file)).rejects.toThrow(/zip entry 'e\/secret' is encrypted/);
  });

  it("refuses an entry whose data is longer than its recorded size", async () => {
    const file = join(workspace, "size.zip");
    python(`import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as zf: zf.writestr("z/x", b"a" * 1000)`, file);
    const bytes = readFileSync(file);
    // Lower the uncompressed size in the central directory (offset 24) from 1000 to 10.
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(10, central + 24);
    writeFileSync(file, bytes);
    const error = await readAll(file).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ArchiveFormatError);
    expect((error as ArchiveFormatError).message).toMatch(/zip entry 'z\/x' is larger than the 10 bytes its header says/);
  });

  it.each([
    ["small (inflated in one call)", 5_000],
    ["large (streamed)", 3_000_000],
  ])("refuses damaged deflate data in a %s entry", async (_, size) => {
    const file = join(workspace, `damaged-${size}.zip`);
    python(
      `import random, sys, zipfile
rng = random.Random(9)
data = b"".join(rng.choice([b"alpha ", b"beta ", b"gamma ", b"delta "]) for _ in range(int(sys.argv[2]) // 5))
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as zf: zf.writestr("d/data", data)`,
      file,
      String(size),
    );
    const bytes = readFileSync(file);
    const start = bytes.indexOf(Buffer.from("d/data")) + 6;
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    for (let at = start + 10; at < central - 10; at += 97) bytes[at] = (bytes[at] ?? 0) ^ 0x5a;
    writeFileSync(file, bytes);
    await expect(readAll(file)).rejects.toThrow(/zip entry 'd\/data'/);
    await expect(readAll(file)).rejects.toBeInstanceOf(ArchiveFormatError);
  });

  it("unpacks a zip whose symlink target is deflated contents", async () => {
    const file = join(workspace, "deflated-link.zip");
    python(
      `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as zf:
    zf.writestr("p/target.txt", b"t")
    info = zipfile.ZipInfo("p/link"); info.create_system = 3; info.external_attr = 0o120777 << 16; info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, b"target.txt")`,
      file,
    );
    const out = join(workspace, "deflated-link-out");
    await unpackArchive(file, out, { stripRoot: true });
    expect(readFileSync(join(out, "link"), "utf8")).toBe("t");
  });
});
