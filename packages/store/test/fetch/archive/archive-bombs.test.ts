/**
 * Decompression bombs: archives of a few kilobytes that expand to hundreds of
 * megabytes, in every format and entry compression Kiln unpacks (tar with
 * gzip, bzip2 and xz, including an xz stream declaring a 4 GiB dictionary;
 * zip entries deflated and bzip2-compressed). Each is unpacked by a separate
 * process running the built package, whose peak RSS must stay within a fixed
 * margin of what unpacking a tiny archive takes: output is streamed, never
 * held. (Stored zip entries and plain tar cannot expand: their data is the
 * file's own bytes.)
 *
 * The tar bombs put the zeros after the archive's end marker, where the
 * reader drains them (the decompressor must still reach its trailer); the zip
 * bombs are honest single entries, written out to disk. A large archive that
 * does not compress must not be held whole either: the decoders read their
 * input as they go.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace, python, removeWorkspace } from "./archive-test-helpers.js";

const STORE_DIST = fileURLToPath(new URL("../../../dist/index.js", import.meta.url));
const MiB = 1 << 20;
/** How much more than unpacking a tiny archive a bomb may take. The old zip-bzip2 and xz code took 300 MiB and more. */
const MARGIN = 128 * MiB;

/** Writes each bomb into `sys.argv[1]`; the sizes are of the decompressed data. */
const WRITE_BOMBS = `
import bz2, io, lzma, os, struct, sys, tarfile, zipfile, zlib
out = sys.argv[1]
MiB = 1 << 20
zeros = bytes(32 * MiB)

def tar_head():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        info = tarfile.TarInfo("bomb/small")
        info.size = 6
        archive.addfile(info, io.BytesIO(b"small\\n"))
    return buffer.getvalue()

def gzip_member(data):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()

def write(name, data):
    open(os.path.join(out, name), "wb").write(data)

# Concatenated members and streams are valid gzip, bzip2 and xz: one compressed run of zeros, repeated.
write("bomb.tar.gz", gzip_member(tar_head()) + gzip_member(zeros) * 8)                      # 256 MiB
write("bomb.tar.bz2", bz2.compress(tar_head()) + bz2.compress(zeros) * 4)                   # 128 MiB
xz0 = [{"id": lzma.FILTER_LZMA2, "preset": 0}]
write("bomb.tar.xz", lzma.compress(tar_head(), filters=xz0) + lzma.compress(zeros, filters=xz0) * 2)  # 64 MiB

# One xz block of 160 MiB whose header declares a 4 GiB - 1 dictionary: a window that grows with the output takes it all.
compressor = lzma.LZMACompressor(format=lzma.FORMAT_XZ, filters=xz0)
data = bytearray(compressor.compress(tar_head()) + b"".join(compressor.compress(zeros) for _ in range(5)) + compressor.flush())
# Block header: size byte (12 bytes), flags (one filter, no sizes), LZMA2 id, 1 property byte, the property, padding, CRC-32.
assert data[12] == 2 and data[13] == 0 and data[14] == 0x21 and data[15] == 1, bytes(data[12:24]).hex()
data[16] = 40
data[20:24] = struct.pack("<I", zlib.crc32(bytes(data[12:20])))
write("huge-dictionary.tar.xz", bytes(data))

# Not a bomb but a large archive: 160 MiB of xz that does not compress, which must not be read into memory whole.
noise = lzma.compress(os.urandom(MiB), check=lzma.CHECK_CRC32, filters=xz0)
write("large.tar.xz", lzma.compress(tar_head(), filters=xz0) + noise * 160)

for name, method in [("bzip2.zip", zipfile.ZIP_BZIP2), ("deflate.zip", zipfile.ZIP_DEFLATED)]:
    with zipfile.ZipFile(os.path.join(out, name), "w", compression=method, compresslevel=1) as archive:
        with archive.open("bomb/zeros", "w", force_zip64=True) as entry:
            for _ in range(5):                                                              # 160 MiB
                entry.write(zeros)

with zipfile.ZipFile(os.path.join(out, "tiny.zip"), "w") as archive:
    archive.writestr("tiny/file", "tiny\\n")
`;

/** Unpacks `archive` in a fresh process; its outcome and peak RSS. */
const UNPACK = `
const { unpackArchive } = await import(${JSON.stringify(STORE_DIST)});
const [archive, destination] = process.argv.slice(1);
let outcome = "ok";
try {
  await unpackArchive(archive, destination, { stripRoot: true });
} catch (error) {
  outcome = error.message;
}
process.stdout.write(JSON.stringify({ outcome, peak: process.resourceUsage().maxRSS * 1024 }));
`;

function unpackInChild(archive: string, destination: string): { outcome: string; peak: number } {
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", UNPACK, archive, destination], { encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0) throw new Error(`the unpacking process failed (${result.status ?? result.signal}): ${result.stderr}`);
  return JSON.parse(result.stdout) as { outcome: string; peak: number };
}

let workspace = "";
let baseline = 0;
beforeAll(() => {
  workspace = makeWorkspace("bombs");
  python(WRITE_BOMBS, workspace);
  const tiny = unpackInChild(join(workspace, "tiny.zip"), join(workspace, "tiny"));
  expect(tiny.outcome).toBe("ok");
  baseline = tiny.peak;
}, 120_000);
afterAll(() => removeWorkspace(workspace));

describe("decompression bombs are unpacked with bounded memory", () => {
  it.each([
    ["bomb.tar.gz", 256],
    ["bomb.tar.bz2", 128],
    ["bomb.tar.xz", 64],
    ["huge-dictionary.tar.xz", 160],
  ])("%s (%i MiB of zeros after the tar's end) is drained within the margin", (name) => {
    const archive = join(workspace, name);
    expect(statSync(archive).size).toBeLessThan(MiB);
    const destination = join(workspace, `${name}.out`);
    const { outcome, peak } = unpackInChild(archive, destination);
    expect(outcome).toBe("ok");
    expect(readFileSync(join(destination, "small"), "utf8")).toBe("small\n");
    expect(peak - baseline, `peak RSS ${Math.round(peak / MiB)} MiB, baseline ${Math.round(baseline / MiB)} MiB`).toBeLessThan(MARGIN);
  });

  it("a 160 MiB tar.xz is read as it is decoded, not held whole", () => {
    const archive = join(workspace, "large.tar.xz");
    expect(statSync(archive).size).toBeGreaterThan(160 * MiB);
    const destination = join(workspace, "large.out");
    const { outcome, peak } = unpackInChild(archive, destination);
    expect(outcome).toBe("ok");
    expect(readFileSync(join(destination, "small"), "utf8")).toBe("small\n");
    expect(peak - baseline, `peak RSS ${Math.round(peak / MiB)} MiB, baseline ${Math.round(baseline / MiB)} MiB`).toBeLessThan(MARGIN);
  });

  it.each(["bzip2.zip", "deflate.zip"])("%s (one 160 MiB entry of zeros) is written out within the margin", (name) => {
    const archive = join(workspace, name);
    expect(statSync(archive).size).toBeLessThan(MiB);
    const destination = join(workspace, `${name}.out`);
    const { outcome, peak } = unpackInChild(archive, destination);
    expect(outcome).toBe("ok");
    expect(statSync(join(destination, "zeros")).size).toBe(160 * MiB);
    expect(peak - baseline, `peak RSS ${Math.round(peak / MiB)} MiB, baseline ${Math.round(baseline / MiB)} MiB`).toBeLessThan(MARGIN);
    removeWorkspace(destination);
    expect(existsSync(destination)).toBe(false);
  });
});
