/**
 * A bzip2 decompressor (Node's zlib has none).
 *
 * A bzip2 stream is a sequence of independent blocks of at most 900 kB, each
 * Huffman + move-to-front + run-length coded, then Burrows-Wheeler
 * transformed, then run-length coded once more. Decoding therefore undoes
 * those steps in reverse, one block at a time, reading the compressed input
 * as it goes (see `input-buffer.ts`) and handing the output on in pieces of at
 * most 1 MiB: neither is ever held whole, not even a block's output (the
 * run-length step lets 900 kB become some 45 MB), so a few bytes cannot take
 * gigabytes of memory, nor a large archive as much memory as its size. A block is checked
 * against its CRC before any of it is handed on. Every block's CRC and the stream's combined CRC are
 * checked. Concatenated streams (as `pbzip2` writes) are decoded one after the
 * other; anything after the last stream is ignored, as `bzip2 -d` ignores it.
 *
 * Blocks in the "randomised" form that only bzip2 0.9.0 wrote are refused.
 */
import { ArchiveFormatError } from "./archive-errors.js";
import { InputBuffer, type CompressedInput } from "./input-buffer.js";

const BLOCK_MAGIC_HIGH = 0x314159;
const BLOCK_MAGIC_LOW = 0x265359;
const END_MAGIC_HIGH = 0x177245;
const END_MAGIC_LOW = 0x385090;
/** Symbols are coded in groups of 50, each group with the Huffman table its selector names. */
const GROUP_SIZE = 50;
const MAX_CODE_LENGTH = 20;
/** bzip2 1.0.8 writes at most this many selectors and ignores any beyond (CVE-2019-12900). */
const MAX_SELECTORS = 18002;
/** A block's output is handed on in pieces of at most this size, whatever the block expands to. */
const OUTPUT_PIECE = 1 << 20;
/** Codes this short are decoded by one table lookup; longer ones bit by bit. */
const LOOKUP_BITS = 10;

/**
 * Decompresses a whole bzip2 file (one or more concatenated streams) into one buffer.
 *
 * @throws ArchiveFormatError if the data is not bzip2, is truncated or corrupt,
 *   or fails a CRC check.
 */
export function bzip2Decompress(input: CompressedInput): Buffer {
  return Buffer.concat([...bzip2DecompressChunks(input)]);
}

/**
 * Decompresses bzip2 data (all at once, or in pieces as they are read),
 * yielding output in pieces of at most 1 MiB as it
 * is decoded, so callers can stream it on with bounded memory (one block of
 * 900 kB can expand to some 45 MB). Each block is checked against its CRC
 * before any of its output is yielded.
 *
 * @throws ArchiveFormatError as {@link bzip2Decompress}.
 */
export function* bzip2DecompressChunks(input: CompressedInput): Generator<Buffer, void, undefined> {
  const source = new InputBuffer(input);
  try {
    const bits = new BitReader(source);
    for (let stream = 0; ; stream++) {
      bits.alignToByte();
      if (stream > 0 && !startsStream(source, bits.bytePosition())) return;
      const level = readStreamHeader(bits, stream);
      const decoder = new BlockDecoder(level * 100_000);
      let combinedCrc = 0;
      for (let block = 1; ; block++) {
        const high = bits.read(24);
        const low = bits.read(24);
        if (high === BLOCK_MAGIC_HIGH && low === BLOCK_MAGIC_LOW) {
          const storedCrc = bits.read32();
          const crc = yield* decoder.decode(bits, block, storedCrc);
          combinedCrc = (((combinedCrc << 1) | (combinedCrc >>> 31)) ^ crc) >>> 0;
        } else if (high === END_MAGIC_HIGH && low === END_MAGIC_LOW) {
          if (bits.read32() !== combinedCrc) throw new ArchiveFormatError("bzip2 data is corrupt: the stream fails its combined CRC check");
          break;
        } else {
          throw new ArchiveFormatError(`bzip2 data is corrupt: bad magic number where block ${block} should start`);
        }
      }
    }
  } finally {
    source.close();
  }
}

function startsStream(input: InputBuffer, at: number): boolean {
  const head = input.bytes(at, 4);
  return head.length === 4 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68;
}

function readStreamHeader(bits: BitReader, stream: number): number {
  const b = bits.read(8);
  const z = bits.read(8);
  const h = bits.read(8);
  const level = bits.read(8) - 0x30;
  if (b !== 0x42 || z !== 0x5a || h !== 0x68 || level < 1 || level > 9) {
    throw new ArchiveFormatError(stream === 0 ? "not bzip2 data: bad stream header" : "bzip2 data is corrupt: bad header on a later stream");
  }
  return level;
}

/**
 * Reads bits most-significant first. Past the end of input it supplies zero
 * bits for look-ahead, but consuming any of them is a truncation error.
 */
class BitReader {
  readonly #input: InputBuffer;
  /** The input's bytes from offset #chunkStart on, as far as they were asked for. */
  #chunk: Buffer = Buffer.alloc(0);
  #chunkStart = 0;
  #position = 0;
  #buffer = 0;
  #count = 0;
  #paddingBits = 0;

  constructor(input: InputBuffer) {
    this.#input = input;
  }

  #fill(need: number): void {
    while (this.#count < need) {
      let index = this.#position - this.#chunkStart;
      if (index >= this.#chunk.length) {
        // Bytes a few behind the position may still be looked at again (see bytePosition); older ones are let go.
        this.#input.release(this.#position - 8);
        this.#chunk = this.#input.bytes(this.#position, 1 << 16);
        this.#chunkStart = this.#position;
        index = 0;
      }
      let byte = 0;
      if (index < this.#chunk.length) byte = this.#chunk[index] ?? 0;
      else this.#paddingBits += 8;
      this.#position++;
      this.#buffer = (this.#buffer << 8) | byte;
      this.#count += 8;
    }
  }

  /** The next `n` (at most 24) bits, without consuming them. */
  peek(n: number): number {
    this.#fill(n);
    return (this.#buffer >>> (this.#count - n)) & ((1 << n) - 1);
  }

  /** Consumes `n` bits that were peeked. */
  skip(n: number): void {
    this.#count -= n;
    if (this.#count < this.#paddingBits) throw new ArchiveFormatError("bzip2 data is truncated");
  }

  /** Reads `n` (at most 24) bits. */
  read(n: number): number {
    const value = this.peek(n);
    this.skip(n);
    return value;
  }

  read32(): number {
    return ((this.read(16) << 16) | this.read(16)) >>> 0;
  }

  alignToByte(): void {
    this.skip(this.#count % 8);
  }

  /** The offset of the next unread byte (after {@link alignToByte}). */
  bytePosition(): number {
    return this.#position - this.#count / 8;
  }
}

/** A canonical Huffman code for one selector group. */
interface HuffmanTable {
  readonly minLength: number;
  readonly maxLength: number;
  /** The first code of each length, and how many codes have that length. */
  readonly firstCode: Int32Array;
  readonly count: Int32Array;
  /** Where each length's symbols start in `symbols`, which is sorted by (length, symbol). */
  readonly firstIndex: Int32Array;
  readonly symbols: Uint16Array;
  /** For codes of at most LOOKUP_BITS bits: `symbol << 5 | length`, indexed by the next LOOKUP_BITS bits; 0 for longer codes. */
  readonly lookup: Uint32Array;
}

function buildTable(lengths: Uint8Array, alphaSize: number): HuffmanTable {
  const count = new Int32Array(MAX_CODE_LENGTH + 2);
  let minLength = MAX_CODE_LENGTH;
  let maxLength = 0;
  for (let symbol = 0; symbol < alphaSize; symbol++) {
    const length = lengths[symbol] ?? 0;
    count[length] = (count[length] ?? 0) + 1;
    minLength = Math.min(minLength, length);
    maxLength = Math.max(maxLength, length);
  }
  const firstCode = new Int32Array(MAX_CODE_LENGTH + 2);
  const firstIndex = new Int32Array(MAX_CODE_LENGTH + 2);
  let code = 0;
  let index = 0;
  for (let length = 1; length <= MAX_CODE_LENGTH; length++) {
    code = (code + (count[length - 1] ?? 0)) << 1;
    firstCode[length] = code;
    firstIndex[length] = index;
    index += count[length] ?? 0;
  }
  count[0] = 0;
  const symbols = new Uint16Array(alphaSize);
  const next = Int32Array.from(firstIndex);
  for (let symbol = 0; symbol < alphaSize; symbol++) {
    const length = lengths[symbol] ?? 0;
    symbols[next[length] ?? 0] = symbol;
    next[length] = (next[length] ?? 0) + 1;
  }
  const lookup = new Uint32Array(1 << LOOKUP_BITS);
  for (let length = minLength; length <= Math.min(maxLength, LOOKUP_BITS); length++) {
    const first = firstCode[length] ?? 0;
    const start = firstIndex[length] ?? 0;
    const span = 1 << (LOOKUP_BITS - length);
    for (let k = 0; k < (count[length] ?? 0); k++) {
      const entry = ((symbols[start + k] ?? 0) << 5) | length;
      const base = (first + k) * span;
      // A code beyond the table means the lengths over-subscribe it (corrupt); the slow path will reject it.
      if (base + span > lookup.length) break;
      lookup.fill(entry, base, base + span);
    }
  }
  return { minLength, maxLength, firstCode, count, firstIndex, symbols, lookup };
}

function decodeSymbol(bits: BitReader, table: HuffmanTable): number {
  const entry = table.lookup[bits.peek(LOOKUP_BITS)] ?? 0;
  if (entry !== 0) {
    bits.skip(entry & 31);
    return entry >>> 5;
  }
  const { maxLength } = table;
  const value = bits.peek(maxLength);
  for (let length = table.minLength; length <= maxLength; length++) {
    const offset = (value >>> (maxLength - length)) - (table.firstCode[length] ?? 0);
    if (offset >= 0 && offset < (table.count[length] ?? 0)) {
      bits.skip(length);
      return table.symbols[(table.firstIndex[length] ?? 0) + offset] ?? 0;
    }
  }
  throw new ArchiveFormatError("bzip2 data is corrupt: invalid Huffman code");
}

/** Decodes blocks of one stream, reusing the large per-block arrays. */
class BlockDecoder {
  readonly #maxBlockSize: number;
  /** The BWT column in the low 8 bits, then the inverse-BWT links in the high 24. */
  readonly #tt: Uint32Array;
  /** Where the CRC walk puts the output it only hashes. */
  readonly #scratch = Buffer.allocUnsafe(OUTPUT_PIECE);

  constructor(maxBlockSize: number) {
    this.#maxBlockSize = maxBlockSize;
    this.#tt = new Uint32Array(maxBlockSize);
  }

  /** Decodes one block, checks it against `storedCrc`, then yields its output in pieces; returns the CRC. */
  *decode(bits: BitReader, block: number, storedCrc: number): Generator<Buffer, number, undefined> {
    const corrupt = (what: string): ArchiveFormatError => new ArchiveFormatError(`bzip2 data is corrupt in block ${block}: ${what}`);
    if (bits.read(1) !== 0) throw new ArchiveFormatError(`bzip2 block ${block} is "randomised" (bzip2 0.9.0), which is not supported`);
    const origin = bits.read(24);

    // Which byte values occur: 16 flags for ranges of 16, then 16 flags within each used range.
    const seqToByte = new Uint8Array(256);
    let inUse = 0;
    const ranges = bits.read(16);
    for (let range = 0; range < 16; range++) {
      if ((ranges & (0x8000 >>> range)) === 0) continue;
      const flags = bits.read(16);
      for (let k = 0; k < 16; k++) if ((flags & (0x8000 >>> k)) !== 0) seqToByte[inUse++] = range * 16 + k;
    }
    if (inUse === 0) throw corrupt("no byte values in use");
    const alphaSize = inUse + 2;

    const groupCount = bits.read(3);
    if (groupCount < 2 || groupCount > 6) throw corrupt(`${groupCount} Huffman tables`);
    const selectorCount = bits.read(15);
    if (selectorCount < 1) throw corrupt("no selectors");
    const selectors = new Uint8Array(Math.min(selectorCount, MAX_SELECTORS));
    const groupOrder = [0, 1, 2, 3, 4, 5].slice(0, groupCount);
    for (let i = 0; i < selectorCount; i++) {
      // Each selector is the unary-coded move-to-front index of a table.
      let index = 0;
      while (bits.read(1) === 1) {
        if (++index >= groupCount) throw corrupt("selector out of range");
      }
      const group = groupOrder[index] ?? 0;
      groupOrder.splice(index, 1);
      groupOrder.unshift(group);
      if (i < MAX_SELECTORS) selectors[i] = group;
    }

    const tables: HuffmanTable[] = [];
    const lengths = new Uint8Array(alphaSize);
    for (let group = 0; group < groupCount; group++) {
      // Code lengths are delta coded: start at 5 bits, then per symbol "10" = +1, "11" = -1, "0" = done.
      let length = bits.read(5);
      for (let symbol = 0; symbol < alphaSize; symbol++) {
        for (;;) {
          if (length < 1 || length > MAX_CODE_LENGTH) throw corrupt("Huffman code length out of range");
          if (bits.read(1) === 0) break;
          length += bits.read(1) === 0 ? 1 : -1;
        }
        lengths[symbol] = length;
      }
      tables.push(buildTable(lengths, alphaSize));
    }

    // Huffman → run lengths (RUNA/RUNB in bijective base 2) and move-to-front indices.
    const tt = this.#tt;
    const max = this.#maxBlockSize;
    const counts = new Int32Array(256);
    const mtf = new Uint8Array(256);
    for (let i = 0; i < 256; i++) mtf[i] = i;
    const endOfBlock = inUse + 1;
    let size = 0;
    let run = 0;
    let runWeight = 1;
    let selector = 0;
    let left = 0;
    let table = tables[0];
    for (;;) {
      if (left === 0) {
        if (selector >= selectors.length) throw corrupt("ran out of selectors");
        table = tables[selectors[selector++] ?? 0];
        left = GROUP_SIZE;
      }
      left--;
      const symbol = decodeSymbol(bits, table as HuffmanTable);
      if (symbol <= 1) {
        run += runWeight << symbol;
        runWeight <<= 1;
        if (run > max) throw corrupt("run longer than the block");
        continue;
      }
      if (run > 0) {
        if (size + run > max) throw corrupt("block longer than its stream header allows");
        const byte = seqToByte[mtf[0] ?? 0] ?? 0;
        counts[byte] = (counts[byte] ?? 0) + run;
        tt.fill(byte, size, size + run);
        size += run;
        run = 0;
        runWeight = 1;
      }
      if (symbol === endOfBlock) break;
      if (size >= max) throw corrupt("block longer than its stream header allows");
      const index = symbol - 1;
      const value = mtf[index] ?? 0;
      mtf.copyWithin(1, 0, index);
      mtf[0] = value;
      const byte = seqToByte[value] ?? 0;
      counts[byte] = (counts[byte] ?? 0) + 1;
      tt[size++] = byte;
    }
    if (origin >= size) throw corrupt("BWT origin pointer beyond the block");

    // Inverse Burrows-Wheeler: link each position to the next, via where its byte sorts.
    const start = new Int32Array(256);
    for (let byte = 0, sum = 0; byte < 256; byte++) {
      start[byte] = sum;
      sum += counts[byte] ?? 0;
    }
    for (let i = 0; i < size; i++) {
      const byte = (tt[i] ?? 0) & 0xff;
      const slot = start[byte] ?? 0;
      tt[slot] = (tt[slot] ?? 0) | (i << 8);
      start[byte] = slot + 1;
    }

    // The output is checked against the block's CRC before any of it is handed on, so a damaged block is reported
    // as such rather than as whatever its garbage looks like to the tar reader: one walk for the CRC, then one for the
    // bytes. Walking twice is cheaper than holding a block's output, which can be some 45 MB.
    let crc = 0xffffffff;
    for (const piece of this.#walk(origin, size, true)) crc = updateCrc(crc, piece);
    crc = ~crc >>> 0;
    if (crc !== storedCrc) throw new ArchiveFormatError(`bzip2 data is corrupt: block ${block} fails its CRC check`);
    yield* this.#walk(origin, size, false);
    return crc;
  }

  /**
   * Walks the inverse-BWT links of the block just decoded, undoing the first run-length step (4 equal bytes are
   * followed by a count of further copies), and yields the output in pieces of at most OUTPUT_PIECE. With `reuse`,
   * every piece is the same buffer, valid only until the next is asked for.
   */
  *#walk(origin: number, size: number, reuse: boolean): Generator<Buffer, void, undefined> {
    const tt = this.#tt;
    let out = reuse ? this.#scratch : Buffer.allocUnsafe(OUTPUT_PIECE);
    let written = 0;
    let position = (tt[origin] ?? 0) >>> 8;
    let previous = -1;
    let repeats = 0;
    for (let i = 0; i < size; i++) {
      position = tt[position] ?? 0;
      const byte = position & 0xff;
      position >>>= 8;
      if (repeats === 4) {
        for (let count = byte; count > 0; ) {
          if (written === OUTPUT_PIECE) {
            yield out;
            if (!reuse) out = Buffer.allocUnsafe(OUTPUT_PIECE);
            written = 0;
          }
          const take = Math.min(count, OUTPUT_PIECE - written);
          out.fill(previous, written, written + take);
          written += take;
          count -= take;
        }
        repeats = 0;
        continue;
      }
      if (byte === previous) repeats++;
      else {
        previous = byte;
        repeats = 1;
      }
      if (written === OUTPUT_PIECE) {
        yield out;
        if (!reuse) out = Buffer.allocUnsafe(OUTPUT_PIECE);
        written = 0;
      }
      out[written++] = byte;
    }
    if (written > 0) yield out.subarray(0, written);
  }
}

/** bzip2's CRC-32: the same polynomial as zlib's, but fed most-significant bit first. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    table[i] = crc >>> 0;
  }
  return table;
})();

/** Feeds `data` into a running bzip2 CRC (start from 0xffffffff; the final CRC is the complement). */
function updateCrc(crc: number, data: Uint8Array): number {
  for (let i = 0; i < data.length; i++) crc = (crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ (data[i] ?? 0)) & 0xff] ?? 0);
  return crc;
}
