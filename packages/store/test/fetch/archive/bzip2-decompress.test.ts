/**
 * The bzip2 decompressor against python's bz2 module (libbz2): every block
 * size, runs at the edges of bzip2's run-length steps, incompressible data,
 * many blocks, concatenated streams, and damaged input.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveFormatError, bzip2Decompress, bzip2DecompressChunks } from "../../../src/fetch/archive/index.js";
import { countedPieces, makeWorkspace, python, removeWorkspace } from "./archive-test-helpers.js";

/** Writes `<name>.raw` and `<name>.bz2` for each case into `sys.argv[1]`. */
const WRITE_CASES = `
import bz2, os, random, sys
out = sys.argv[1]
rng = random.Random(11)
words = [bytes(rng.choice(b"abcdefgh ") for _ in range(rng.randint(1, 8))) for _ in range(500)]
text = b"".join(rng.choice(words) for _ in range(700_000))
cases = {
    "empty": (b"", 9),
    "one-byte": (b"x", 9),
    # Runs of exactly 3, 4, 5, 259 and 260 bytes straddle the first run-length step (4 bytes + a count up to 255).
    "runs": (b"".join(bytes([65 + i]) * n for i, n in enumerate([3, 4, 5, 259, 260, 1000, 4, 4])), 9),
    "all-bytes": (bytes(range(256)) * 300, 9),
    "zeros": (b"\\0" * 2_000_000, 9),
    "random": (rng.randbytes(1_500_000), 9),
    "text-level1": (text, 1),
    "text-level9": (text, 9),
}
for name, (data, level) in cases.items():
    open(os.path.join(out, name + ".raw"), "wb").write(data)
    open(os.path.join(out, name + ".bz2"), "wb").write(bz2.compress(data, level))
open(os.path.join(out, "multi.raw"), "wb").write(b"first stream|" + text[:300_000] + b"|second stream")
open(os.path.join(out, "multi.bz2"), "wb").write(bz2.compress(b"first stream|" + text[:300_000]) + bz2.compress(b"|second stream", 1))
`;

const CASES = ["empty", "one-byte", "runs", "all-bytes", "zeros", "random", "text-level1", "text-level9", "multi"];

let workspace = "";
beforeAll(() => {
  workspace = makeWorkspace("bzip2");
  python(WRITE_CASES, workspace);
});
afterAll(() => removeWorkspace(workspace));

function load(name: string): { compressed: Buffer; raw: Buffer } {
  return { compressed: readFileSync(join(workspace, `${name}.bz2`)), raw: readFileSync(join(workspace, `${name}.raw`)) };
}

describe("bzip2Decompress", () => {
  it.each(CASES)("decodes %s exactly as libbz2 encoded it", (name) => {
    const { compressed, raw } = load(name);
    expect(bzip2Decompress(compressed).equals(raw)).toBe(true);
  });

  it("yields pieces of at most 1 MiB, even of a block that expands to many MB, so output can be streamed", () => {
    const { compressed, raw } = load("text-level1");
    const pieces = [...bzip2DecompressChunks(compressed)];
    // Level 1 means blocks of at most 100 kB of (run-length-coded) input.
    expect(pieces.length).toBeGreaterThan(raw.length / 100_000 - 1);
    expect(Buffer.concat(pieces).equals(raw)).toBe(true);
    const zeros = load("zeros");
    const zeroPieces = [...bzip2DecompressChunks(zeros.compressed)];
    expect(Math.max(...zeroPieces.map((piece) => piece.length))).toBeLessThanOrEqual(1 << 20);
    expect(Buffer.concat(zeroPieces).equals(zeros.raw)).toBe(true);
  });

  it("reads its input as it goes: the first output comes after only part of the input was read", () => {
    const { compressed, raw } = load("text-level1");
    const { pieces, taken } = countedPieces(compressed);
    const output = bzip2DecompressChunks(pieces);
    const first = output.next();
    expect(first.done).toBe(false);
    expect(taken()).toBeLessThan(compressed.length / 4);
    expect(Buffer.concat([first.value as Buffer, ...output]).equals(raw)).toBe(true);
    expect(taken()).toBe(compressed.length);
  });

  it("ignores trailing garbage after the last stream, as bzip2 -d does", () => {
    const { compressed, raw } = load("runs");
    expect(bzip2Decompress(Buffer.concat([compressed, Buffer.from("trailing garbage")])).equals(raw)).toBe(true);
  });

  it("refuses data that is not bzip2", () => {
    expect(() => bzip2Decompress(Buffer.from("BZh0 not really"))).toThrow(/not bzip2 data/);
  });

  it("refuses a block whose stored CRC does not match", () => {
    const { compressed } = load("text-level9");
    // "BZh9", then the 6-byte block magic, then the block CRC.
    compressed[12] = (compressed[12] ?? 0) ^ 0x01;
    expect(() => bzip2Decompress(compressed)).toThrow(/block 1 fails its CRC check/);
  });

  it("refuses a stream whose combined CRC does not match", () => {
    const { compressed } = load("one-byte");
    // The stream ends with the end magic, the combined CRC, and padding to a byte: damage the last CRC byte's bits.
    compressed[compressed.length - 2] = (compressed[compressed.length - 2] ?? 0) ^ 0x10;
    expect(() => bzip2Decompress(compressed)).toThrow(ArchiveFormatError);
  });

  it("refuses damaged block data", () => {
    const { compressed } = load("text-level9");
    compressed[compressed.length >> 1] = (compressed[compressed.length >> 1] ?? 0) ^ 0x24;
    expect(() => bzip2Decompress(compressed)).toThrow(/bzip2 data is corrupt/);
  });

  it("refuses truncated data", () => {
    const { compressed } = load("text-level9");
    expect(() => bzip2Decompress(compressed.subarray(0, compressed.length - 100))).toThrow(/bzip2 data is truncated/);
  });
});
