/**
 * What an .xz file's blocks need, read from its indexes and block headers
 * without decoding anything: the largest dictionary any block declares, and
 * that every block uses LZMA2 alone. xz-utils' `xz --list` reads a file the
 * same way, from the end: each stream's footer gives its index, the index
 * gives each block's size and so where each block header is.
 *
 * Kiln uses it to decide, before starting, whether liblzma (through the `xz`
 * program, see `xz-program.ts`) may decode a file: only when the file holds
 * exactly what Kiln's own decoder accepts (LZMA2 without BCJ or delta
 * filters) and fits its memory limit. Anything this scan cannot read, for
 * whatever reason, is left to Kiln's own decoder, whose errors say what is
 * wrong; the scan itself never fails.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { crc32 } from "node:zlib";
import { InputBuffer } from "./input-buffer.js";
import { parseBlockHeader, readVli } from "./xz-decompress.js";

/** What {@link scanXzBlocks} found. */
export interface XzBlocks {
  /** The number of blocks, over all streams. */
  readonly blocks: number;
  /** The largest dictionary size a block header declares, in bytes. */
  readonly largestDictionary: number;
}

const STREAM_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
/** A block header is at most this long (its size byte counts in 4-byte units up to 1024). */
const MAX_BLOCK_HEADER = 1024;
/** Beyond these the scan gives up (a file Kiln's decoder then reads): they bound the work a hostile file can cause here. */
const MAX_BLOCKS = 100_000;
const MAX_INDEX = 4 << 20;
const MAX_STREAM_PADDING = 64 << 10;

/**
 * The blocks of the .xz file `file` when they are all LZMA2 alone and the
 * file's streams, indexes and block headers are well formed; `undefined`
 * when they are not, or the file cannot be read.
 */
export function scanXzBlocks(file: string): XzBlocks | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    return scan(fd, fstatSync(fd).size);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function read(fd: number, at: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  const got = readSync(fd, bytes, 0, length, at);
  return bytes.subarray(0, got);
}

function scan(fd: number, size: number): XzBlocks | undefined {
  let blocks = 0;
  let largestDictionary = 0;
  let end = size;
  while (end > 0) {
    // Stream padding (zero bytes, in fours) may follow a stream.
    const tail = read(fd, Math.max(0, end - MAX_STREAM_PADDING), Math.min(end, MAX_STREAM_PADDING));
    let padding = 0;
    while (padding + 4 <= tail.length && tail.readUInt32LE(tail.length - padding - 4) === 0) padding += 4;
    if (padding === tail.length) return undefined;
    end -= padding;

    if (end < 24) return undefined;
    const footer = read(fd, end - 12, 12);
    if (footer.length !== 12 || footer[10] !== 0x59 || footer[11] !== 0x5a || crc32(footer.subarray(4, 10)) !== footer.readUInt32LE(0)) return undefined;
    const indexSize = (footer.readUInt32LE(4) + 1) * 4;
    const indexStart = end - 12 - indexSize;
    if (indexSize > MAX_INDEX || indexStart < 12) return undefined;
    const index = new InputBuffer(read(fd, indexStart, indexSize));
    if (index.byte(0) !== 0) return undefined;
    let [count, at] = readVli(index, 1);
    if (blocks + count > MAX_BLOCKS) return undefined;
    const sizes: number[] = [];
    for (let i = 0; i < count; i++) {
      let unpaddedSize: number;
      [unpaddedSize, at] = readVli(index, at);
      [, at] = readVli(index, at);
      sizes.push(Math.ceil(unpaddedSize / 4) * 4);
    }
    const streamStart = indexStart - sizes.reduce((sum, blockSize) => sum + blockSize, 0) - 12;
    if (streamStart < 0 || !read(fd, streamStart, 6).equals(STREAM_MAGIC)) return undefined;

    let blockStart = streamStart + 12;
    for (const [i, blockSize] of sizes.entries()) {
      const header = parseBlockHeader(new InputBuffer(read(fd, blockStart, Math.min(MAX_BLOCK_HEADER, blockSize))), 0, i + 1);
      largestDictionary = Math.max(largestDictionary, header.dictionarySize);
      blockStart += blockSize;
    }
    blocks += count;
    end = streamStart;
  }
  return { blocks, largestDictionary };
}
