/**
 * The xz decompressor against python's lzma module (liblzma): every
 * integrity check, presets and literal/position settings, a dictionary much
 * smaller than the data (so the window wraps), stored LZMA2 chunks,
 * concatenated and padded streams, multi-block files, and damaged input.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveFormatError, xzDecompress, xzDecompressChunks } from "../../../src/fetch/archive/index.js";
import { countedPieces, makeWorkspace, python, removeWorkspace } from "./archive-test-helpers.js";

const hasXzCli = spawnSync("xz", ["--version"]).status === 0;

/** Writes `<name>.raw` and `<name>.xz` for each case into `sys.argv[1]`. */
const WRITE_CASES = `
import lzma, os, random, sys
out = sys.argv[1]
rng = random.Random(3)
words = [bytes(rng.choice(b"abcdefghijklmnop") for _ in range(rng.randint(1, 9))) for _ in range(3000)]
text = b" ".join(rng.choice(words) for _ in range(160_000))
noise = rng.randbytes(700_000)
mixed = text[:400_000] + noise[:300_000] + text[400_000:800_000]
def lzma2(**options):
    return [{"id": lzma.FILTER_LZMA2, **options}]
cases = {
    "empty": (b"", {}),
    "check-none": (text, {"check": lzma.CHECK_NONE}),
    "check-crc32": (text, {"check": lzma.CHECK_CRC32}),
    "check-crc64": (text, {"check": lzma.CHECK_CRC64}),
    "check-sha256": (text, {"check": lzma.CHECK_SHA256}),
    "preset-0": (text, {"preset": 0}),
    "preset-9e": (text, {"preset": 9 | lzma.PRESET_EXTREME}),
    "lc0-lp2-pb0": (text, {"filters": lzma2(lc=0, lp=2, pb=0)}),
    "lc4-lp0-pb4": (text, {"filters": lzma2(lc=4, lp=0, pb=4)}),
    "lc1-lp3-pb2": (mixed, {"filters": lzma2(lc=1, lp=3, pb=2)}),
    "dict-4k": (text, {"filters": lzma2(dict_size=4096)}),
    "dict-64k-mixed": (mixed, {"filters": lzma2(dict_size=65536)}),
    "incompressible": (noise, {}),
    "mixed": (mixed, {}),
}
for name, (data, options) in cases.items():
    open(os.path.join(out, name + ".raw"), "wb").write(data)
    open(os.path.join(out, name + ".xz"), "wb").write(lzma.compress(data, format=lzma.FORMAT_XZ, **options))
open(os.path.join(out, "multi-stream.raw"), "wb").write(text[:1000] + noise[:1000] + b"third")
open(os.path.join(out, "multi-stream.xz"), "wb").write(
    lzma.compress(text[:1000]) + b"\\0" * 8 + lzma.compress(noise[:1000], check=lzma.CHECK_SHA256) + lzma.compress(b"third") + b"\\0" * 4)
# The same 1.5 MB of noise twice: the second copy is one match 1.5 MB back, within the declared 4 MiB.
far = noise + rng.randbytes(800_000)
open(os.path.join(out, "far-match.raw"), "wb").write(far + far)
open(os.path.join(out, "far-match.xz"), "wb").write(lzma.compress(far + far, format=lzma.FORMAT_XZ, filters=lzma2(dict_size=4 << 20)))
x86 = [{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2}]
open(os.path.join(out, "bcj.xz"), "wb").write(lzma.compress(text[:10000], filters=x86))
open(os.path.join(out, "delta.xz"), "wb").write(lzma.compress(text[:10000], filters=[{"id": lzma.FILTER_DELTA, "dist": 4}, {"id": lzma.FILTER_LZMA2}]))
`;

const CASES = [
  "empty",
  "check-none",
  "check-crc32",
  "check-crc64",
  "check-sha256",
  "preset-0",
  "preset-9e",
  "lc0-lp2-pb0",
  "lc4-lp0-pb4",
  "lc1-lp3-pb2",
  "dict-4k",
  "dict-64k-mixed",
  "incompressible",
  "mixed",
  "multi-stream",
];

let workspace = "";
beforeAll(() => {
  workspace = makeWorkspace("xz");
  python(WRITE_CASES, workspace);
});
afterAll(() => removeWorkspace(workspace));

function load(name: string): { compressed: Buffer; raw: Buffer } {
  return { compressed: readFileSync(join(workspace, `${name}.xz`)), raw: readFileSync(join(workspace, `${name}.raw`)) };
}

/** Where a single-block stream's integrity check starts: before the index (its size from the footer) and the 12-byte footer. */
function checkOffset(compressed: Buffer, checkSize: number): number {
  const indexSize = (compressed.readUInt32LE(compressed.length - 8) + 1) * 4;
  return compressed.length - 12 - indexSize - checkSize;
}

describe("xzDecompress", () => {
  it.each(CASES)("decodes %s exactly as liblzma encoded it", (name) => {
    const { compressed, raw } = load(name);
    expect(xzDecompress(compressed).equals(raw)).toBe(true);
  });

  it("yields output in pieces as it decodes", () => {
    const { compressed, raw } = load("check-crc64");
    const pieces = [...xzDecompressChunks(compressed)];
    expect(pieces.length).toBeGreaterThan(1);
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThanOrEqual(2 << 20);
    expect(Buffer.concat(pieces).equals(raw)).toBe(true);
  });

  it("reads its input as it goes: the first output comes after only part of the input was read", () => {
    const { compressed, raw } = load("incompressible");
    const { pieces, taken } = countedPieces(compressed);
    const output = xzDecompressChunks(pieces);
    const first = output.next();
    expect(first.done).toBe(false);
    expect(taken()).toBeLessThan(compressed.length / 4);
    expect(Buffer.concat([first.value as Buffer, ...output]).equals(raw)).toBe(true);
    expect(taken()).toBe(compressed.length);
  });

  it("bounds the dictionary's memory, refusing a stream that reaches back further than the bound, naming both sizes", () => {
    const { compressed, raw } = load("far-match");
    expect(xzDecompress(compressed).equals(raw)).toBe(true);
    expect(() => [...xzDecompressChunks(compressed, { maxDictionary: 1 << 20 })]).toThrow(
      "xz data declares a 4 MiB dictionary and reaches back further than 1 MiB, the most Kiln decodes with (recompress it with a smaller dictionary, e.g. xz -9)",
    );
    // Within the bound, a larger declared dictionary is no problem.
    const { compressed: text, raw: textRaw } = load("check-crc64");
    expect(Buffer.concat([...xzDecompressChunks(text, { maxDictionary: 1 << 20 })]).equals(textRaw)).toBe(true);
  });

  it.skipIf(!hasXzCli)("decodes multi-block files with sizes in the block headers (xz -T2 --block-size)", () => {
    const { raw } = load("mixed");
    const result = spawnSync("xz", ["-T2", "--block-size=150KiB", "-c"], { input: raw, maxBuffer: 1 << 26 });
    expect(result.status).toBe(0);
    const compressed = result.stdout;
    // Block headers start right after the 12-byte stream header; flags 0xc0 mean both sizes are present.
    expect((compressed[13] ?? 0) & 0xc0).toBe(0xc0);
    expect(xzDecompress(compressed).equals(raw)).toBe(true);
  });

  it.each([
    ["bcj", /uses the BCJ x86 filter; only LZMA2 is supported/],
    ["delta", /uses the delta filter; only LZMA2 is supported/],
  ] as const)("refuses the %s filter with a clear message", (name, message) => {
    const compressed = readFileSync(join(workspace, `${name}.xz`));
    expect(() => xzDecompress(compressed)).toThrow(message);
  });

  it("refuses a block whose CRC-64 does not match", () => {
    const { compressed } = load("check-crc64");
    const at = checkOffset(compressed, 8);
    compressed[at] = (compressed[at] ?? 0) ^ 1;
    expect(() => xzDecompress(compressed)).toThrow(/block 1 fails its CRC-64 check/);
  });

  it("refuses a block whose SHA-256 does not match", () => {
    const { compressed } = load("check-sha256");
    const at = checkOffset(compressed, 32);
    compressed[at + 31] = (compressed[at + 31] ?? 0) ^ 0x80;
    expect(() => xzDecompress(compressed)).toThrow(/block 1 fails its SHA-256 check/);
  });

  it("refuses a block whose CRC-32 does not match", () => {
    const { compressed } = load("check-crc32");
    const at = checkOffset(compressed, 4);
    compressed[at] = (compressed[at] ?? 0) ^ 1;
    expect(() => xzDecompress(compressed)).toThrow(/block 1 fails its CRC-32 check/);
  });

  it("refuses damaged compressed data", () => {
    const { compressed } = load("check-crc32");
    compressed[compressed.length >> 1] = (compressed[compressed.length >> 1] ?? 0) ^ 0x40;
    expect(() => xzDecompress(compressed)).toThrow(ArchiveFormatError);
  });

  it("refuses truncated data", () => {
    const { compressed } = load("mixed");
    expect(() => xzDecompress(compressed.subarray(0, compressed.length - 30))).toThrow(/xz data is truncated/);
  });

  it("refuses data after a stream that is neither padding nor another stream", () => {
    const { compressed } = load("preset-0");
    expect(() => xzDecompress(Buffer.concat([compressed, Buffer.from("junk")]))).toThrow(/unexpected data after the end of a stream/);
  });

  it("refuses stream padding that is not a multiple of four bytes", () => {
    const { compressed } = load("preset-0");
    expect(() => xzDecompress(Buffer.concat([compressed, Buffer.alloc(3)]))).toThrow(/stream padding/);
  });

  it("refuses data that is not xz", () => {
    expect(() => xzDecompress(Buffer.from("definitely not xz"))).toThrow(/not xz data/);
  });
});
