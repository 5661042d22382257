/**
 * The tar reader on its own: what python's tarfile writes in each format, and
 * hand-made headers for what tarfile does not write (base-256 sizes, pax
 * `size`, global headers, signed checksums, pre-POSIX directories).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveFormatError, readTar, type TarEntry } from "../../../src/fetch/archive/index.js";
import { makeWorkspace, python, removeWorkspace } from "./archive-test-helpers.js";

interface ReadEntry {
  readonly name: string;
  readonly type: TarEntry["type"];
  readonly typeflag: string;
  readonly mode: number;
  readonly linkName: string;
  readonly size: number;
  readonly body: string;
}

/** Feeds `bytes` to the reader in small, odd-sized chunks (so reads straddle chunk boundaries) and collects every entry. */
async function readAll(bytes: Buffer, chunkSize = 333): Promise<ReadEntry[]> {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
  }
  const entries: ReadEntry[] = [];
  for await (const entry of readTar(chunks())) {
    const pieces: Buffer[] = [];
    for await (const piece of entry.body) pieces.push(piece);
    const { name, type, typeflag, mode, linkName, size } = entry;
    entries.push({ name, type, typeflag, mode, linkName, size, body: Buffer.concat(pieces).toString("utf8") });
  }
  return entries;
}

/** A 512-byte header with a correct (unsigned) checksum; `size` may be given raw (12 bytes) for base-256. */
function header(fields: { name: string; typeflag: string; size?: number | Buffer; mode?: number; linkname?: string; prefix?: string }): Buffer {
  const block = Buffer.alloc(512);
  block.write(fields.name, 0, 100, "utf8");
  block.write(`${(fields.mode ?? 0o644).toString(8).padStart(7, "0")}\0`, 100, "latin1");
  block.write("0000000\0", 108, "latin1");
  block.write("0000000\0", 116, "latin1");
  if (Buffer.isBuffer(fields.size)) fields.size.copy(block, 124);
  else block.write(`${(fields.size ?? 0).toString(8).padStart(11, "0")}\0`, 124, "latin1");
  block.write("00000000000\0", 136, "latin1");
  block.write(fields.typeflag, 156, "latin1");
  block.write(fields.linkname ?? "", 157, 100, "utf8");
  block.write("ustar\x0000", 257, "latin1");
  block.write(fields.prefix ?? "", 345, 155, "utf8");
  return withChecksum(block);
}

function withChecksum(block: Buffer, signed = false): Buffer {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += signed && byte >= 0x80 ? byte - 256 : byte;
  block.write(`${(sum >>> 0).toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return block;
}

function data(text: string): Buffer {
  const bytes = Buffer.from(text);
  return Buffer.concat([bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512)]);
}

function pax(records: Record<string, string>): Buffer {
  let body = "";
  for (const [key, value] of Object.entries(records)) {
    const rest = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(rest) + 1;
    while (String(length).length + Buffer.byteLength(rest) !== length) length++;
    body += `${length}${rest}`;
  }
  return Buffer.from(body);
}

const END = Buffer.alloc(1024);

let workspace = "";
beforeAll(() => {
  workspace = makeWorkspace("tar-reader");
});
afterAll(() => removeWorkspace(workspace));

const WRITE_ALL_TYPES = `
import io, sys, tarfile
fmt = {"pax": tarfile.PAX_FORMAT, "gnu": tarfile.GNU_FORMAT}[sys.argv[2]]
long_name = "d/" + "n" * 120 + ".txt"
long_target = "t" * 130
with tarfile.open(sys.argv[1], "w", format=fmt) as tf:
    def add(name, kind, data=b"", link="", mode=0o644):
        info = tarfile.TarInfo(name); info.type = kind; info.linkname = link; info.mode = mode
        info.size = len(data) if kind == tarfile.REGTYPE else 0
        tf.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    add("d/", tarfile.DIRTYPE, mode=0o755)
    add("d/exe", tarfile.REGTYPE, b"#!/bin/sh\\n", mode=0o4755)
    add(long_name, tarfile.REGTYPE, b"long")
    add("d/sym", tarfile.SYMTYPE, link=long_target)
    add("d/hard", tarfile.LNKTYPE, link="d/exe")
    add("d/chr", tarfile.CHRTYPE)
    add("d/fifo", tarfile.FIFOTYPE)
    add("d/\\u00e9t\\u00e9", tarfile.REGTYPE, b"summer")
`;

describe("readTar on python tarfile output", () => {
  it.each(["pax", "gnu"])("reads every entry type and long names (%s format)", async (format) => {
    const file = join(workspace, `all-${format}.tar`);
    python(WRITE_ALL_TYPES, file, format);
    const entries = await readAll(readFileSync(file));
    expect(entries).toEqual([
      { name: "d/", type: "directory", typeflag: "5", mode: 0o755, linkName: "", size: 0, body: "" },
      { name: "d/exe", type: "file", typeflag: "0", mode: 0o4755, linkName: "", size: 10, body: "#!/bin/sh\n" },
      { name: `d/${"n".repeat(120)}.txt`, type: "file", typeflag: "0", mode: 0o644, linkName: "", size: 4, body: "long" },
      { name: "d/sym", type: "symlink", typeflag: "2", mode: 0o644, linkName: "t".repeat(130), size: 0, body: "" },
      { name: "d/hard", type: "hardlink", typeflag: "1", mode: 0o644, linkName: "d/exe", size: 0, body: "" },
      { name: "d/chr", type: "other", typeflag: "3", mode: 0o644, linkName: "", size: 0, body: "" },
      { name: "d/fifo", type: "other", typeflag: "6", mode: 0o644, linkName: "", size: 0, body: "" },
      { name: "d/été", type: "file", typeflag: "0", mode: 0o644, linkName: "", size: 6, body: "summer" },
    ]);
  });

  it("skips bodies the caller does not read", async () => {
    const file = join(workspace, "skip.tar");
    python(WRITE_ALL_TYPES, file, "pax");
    const names: string[] = [];
    for await (const entry of readTar([readFileSync(file)])) names.push(entry.name);
    expect(names).toHaveLength(8);
    expect(names.at(-1)).toBe("d/été");
  });

  it("reads the whole input in one chunk or byte by byte alike", async () => {
    const file = join(workspace, "chunks.tar");
    python(WRITE_ALL_TYPES, file, "gnu");
    const bytes = readFileSync(file);
    expect(await readAll(bytes, 1)).toEqual(await readAll(bytes, bytes.length));
  });
});

describe("readTar on hand-made headers", () => {
  it("joins the ustar prefix and name", async () => {
    const bytes = Buffer.concat([header({ name: "file.txt", prefix: "some/prefix", typeflag: "0", size: 2 }), data("hi"), END]);
    expect((await readAll(bytes))[0]?.name).toBe("some/prefix/file.txt");
  });

  it("reads a base-256 size", async () => {
    const size = Buffer.alloc(12);
    size[0] = 0x80;
    size.writeUInt32BE(5, 8);
    const bytes = Buffer.concat([header({ name: "b256", typeflag: "0", size }), data("12345"), END]);
    expect(await readAll(bytes)).toMatchObject([{ name: "b256", size: 5, body: "12345" }]);
  });

  it("refuses a negative base-256 size", async () => {
    const size = Buffer.alloc(12, 0xff);
    const bytes = Buffer.concat([header({ name: "neg", typeflag: "0", size }), END]);
    await expect(readAll(bytes)).rejects.toThrow(/size is negative/);
  });

  it("lets a pax 'size' record override the header's size", async () => {
    const records = pax({ size: "7", path: "from-pax" });
    const bytes = Buffer.concat([
      header({ name: "PaxHeader", typeflag: "x", size: records.length }),
      data(records.toString()),
      header({ name: "from-header", typeflag: "0", size: 0 }),
      data("seven!!"),
      END,
    ]);
    expect(await readAll(bytes)).toMatchObject([{ name: "from-pax", size: 7, body: "seven!!" }]);
  });

  it("applies a global pax header to every later entry, and a local one to the next only", async () => {
    const global = pax({ linkpath: "global-target" });
    const local = pax({ linkpath: "local-target" });
    const bytes = Buffer.concat([
      header({ name: "GlobalHead", typeflag: "g", size: global.length }),
      data(global.toString()),
      header({ name: "PaxHeader", typeflag: "x", size: local.length }),
      data(local.toString()),
      header({ name: "one", typeflag: "2", linkname: "header-target" }),
      header({ name: "two", typeflag: "2", linkname: "header-target" }),
      END,
    ]);
    expect((await readAll(bytes)).map((entry) => entry.linkName)).toEqual(["local-target", "global-target"]);
  });

  it("uses GNU 'L' and 'K' long names", async () => {
    const longName = `${"n".repeat(200)}\0`;
    const longLink = `${"k".repeat(150)}\0`;
    const bytes = Buffer.concat([
      header({ name: "././@LongLink", typeflag: "L", size: longName.length }),
      data(longName),
      header({ name: "././@LongLink", typeflag: "K", size: longLink.length }),
      data(longLink),
      header({ name: "short", typeflag: "2", linkname: "short-target" }),
      END,
    ]);
    expect(await readAll(bytes)).toMatchObject([{ name: "n".repeat(200), linkName: "k".repeat(150), type: "symlink" }]);
  });

  it("accepts a checksum summed over signed bytes, as some old tars wrote", async () => {
    const block = header({ name: "caf\u00e9", typeflag: "0" });
    const bytes = Buffer.concat([withChecksum(block, true), END]);
    expect((await readAll(bytes))[0]?.name).toBe("café");
  });

  it("treats a pre-POSIX regular-file entry whose name ends in '/' as a directory", async () => {
    const bytes = Buffer.concat([header({ name: "olddir/", typeflag: "\0" }), header({ name: "oldfile", typeflag: "\0", size: 1 }), data("x"), END]);
    expect((await readAll(bytes)).map((entry) => [entry.name, entry.type])).toEqual([
      ["olddir/", "directory"],
      ["oldfile", "file"],
    ]);
  });

  it("does not look for data after directories, links, devices and fifos, whatever their size field says", async () => {
    const bytes = Buffer.concat([header({ name: "dir/", typeflag: "5", size: 512 }), header({ name: "next", typeflag: "0", size: 1 }), data("n"), END]);
    expect((await readAll(bytes)).map((entry) => entry.name)).toEqual(["dir/", "next"]);
  });

  it("stops at the end-of-archive marker and ignores what follows", async () => {
    const bytes = Buffer.concat([header({ name: "a", typeflag: "0", size: 1 }), data("a"), END, Buffer.from("trailing junk")]);
    expect((await readAll(bytes)).map((entry) => entry.name)).toEqual(["a"]);
  });

  it("accepts input that ends at a block boundary without the marker, as GNU tar does", async () => {
    const bytes = Buffer.concat([header({ name: "a", typeflag: "0", size: 1 }), data("a")]);
    expect((await readAll(bytes)).map((entry) => entry.name)).toEqual(["a"]);
  });

  it("refuses GNU sparse files rather than unpacking them wrongly", async () => {
    const records = pax({ "GNU.sparse.major": "1", "GNU.sparse.minor": "0" });
    const bytes = Buffer.concat([header({ name: "PaxHeader", typeflag: "x", size: records.length }), data(records.toString()), header({ name: "sparse", typeflag: "0" }), END]);
    await expect(readAll(bytes)).rejects.toThrow(/GNU sparse files are not supported/);
  });

  it("refuses a malformed pax record", async () => {
    const records = Buffer.from("99 path=x\n");
    const bytes = Buffer.concat([header({ name: "PaxHeader", typeflag: "x", size: records.length }), data(records.toString()), header({ name: "a", typeflag: "0" }), END]);
    await expect(readAll(bytes)).rejects.toBeInstanceOf(ArchiveFormatError);
  });

  it("refuses a malformed size field", async () => {
    const block = header({ name: "bad-size", typeflag: "0" });
    block.write("12x45678901\0", 124, "latin1");
    await expect(readAll(Buffer.concat([withChecksum(block), END]))).rejects.toThrow(/tar header for 'bad-size' at byte 0: size field is malformed/);
  });
});
