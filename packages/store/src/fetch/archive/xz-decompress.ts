/**
 * An xz decompressor (Node's zlib has none): the .xz container and the LZMA2
 * filter that every xz encoder uses by default.
 *
 * An .xz file is one or more streams, each a header, blocks, an index of the
 * blocks, and a footer. Everything the format lets a decoder check is checked:
 * header, index and footer CRCs, block sizes against the index, padding, and
 * each block's integrity check (CRC-32, CRC-64 or SHA-256). Inside a block,
 * LZMA2 is a sequence of chunks, either stored or LZMA-compressed, sharing one
 * sliding dictionary.
 *
 * The compressed input is read as it is needed (see `input-buffer.ts`) and
 * output is handed on chunk by chunk (an LZMA2 chunk unpacks to at most
 * 2 MiB), so neither is ever held whole. The dictionary takes
 * memory only as the data fills it, up to the size the stream declares but
 * never beyond MAX_DICTIONARY (64 MiB, what `xz -9` uses): a stream of a few
 * bytes may declare 4 GiB and fill it with zeros. As libarchive's memory
 * limit for Nix, this bounds memory whatever the input; a stream that really
 * reaches further back is refused with a clear error.
 *
 * Branch/call/jump (BCJ) and delta filters are refused with a clear error:
 * xz uses them only when asked to (`xz --x86`), and release tarballs do not.
 */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib"; // Node >= 20.15
import { ArchiveFormatError } from "./archive-errors.js";
import { InputBuffer, type CompressedInput } from "./input-buffer.js";

/** The largest sliding window Kiln decodes with by default: that of `xz -9` and `-9e`, the largest preset. */
export const MAX_DICTIONARY = 64 << 20;

/** Options of {@link xzDecompressChunks}. */
export interface XzDecompressOptions {
  /** The most memory the sliding dictionary may take, in bytes (default 64 MiB, what `xz -9` uses). */
  readonly maxDictionary?: number;
}
const STREAM_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const FOOTER_MAGIC = Buffer.from([0x59, 0x5a]);
const LZMA2_FILTER = 0x21;
const FILTER_NAMES: Record<number, string> = {
  0x03: "delta",
  0x04: "BCJ x86",
  0x05: "BCJ PowerPC",
  0x06: "BCJ IA-64",
  0x07: "BCJ ARM",
  0x08: "BCJ ARM-Thumb",
  0x09: "BCJ SPARC",
  0x0a: "BCJ ARM64",
  0x0b: "BCJ RISC-V",
};
/** Integrity check sizes by check ID; IDs other than 0, 1, 4 and 10 are reserved. */
const CHECK_SIZES = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];
const CHECK_NAMES: Record<number, string> = { 0: "none", 1: "CRC-32", 4: "CRC-64", 10: "SHA-256" };

/**
 * Decompresses a whole .xz file (one or more concatenated streams) into one buffer.
 *
 * @throws ArchiveFormatError if the data is not xz, is truncated or corrupt,
 *   fails an integrity check, or uses a filter other than LZMA2.
 */
export function xzDecompress(input: CompressedInput): Buffer {
  return Buffer.concat([...xzDecompressChunks(input)]);
}

/**
 * Decompresses .xz data, yielding output in pieces of at most a few MiB as
 * it is decoded, so callers can stream it on. A block's integrity check is
 * verified when the block ends, so a corrupt block may yield some output first.
 *
 * @throws ArchiveFormatError as {@link xzDecompress}.
 */
export function* xzDecompressChunks(input: CompressedInput, options: XzDecompressOptions = {}): Generator<Buffer, void, undefined> {
  const maxDictionary = options.maxDictionary ?? MAX_DICTIONARY;
  const data = new InputBuffer(input);
  try {
    let at = 0;
    for (let stream = 0; ; stream++) {
      if (stream > 0) {
        // Streams may be separated by stream padding: zero bytes, a multiple of four.
        const paddingStart = at;
        while (data.byte(at) === 0) if ((++at & 0xffff) === 0) data.release(at);
        if ((at - paddingStart) % 4 !== 0) throw new ArchiveFormatError("xz data is corrupt: stream padding is not a multiple of four bytes");
        if (data.byte(at) === undefined) return;
      }
      at = yield* decodeStream(data, at, stream, maxDictionary);
    }
  } finally {
    data.close();
  }
}

function mebibytes(bytes: number): string {
  return `${Math.round(bytes / (1 << 20))} MiB`;
}

function corrupt(what: string): ArchiveFormatError {
  return new ArchiveFormatError(`xz data is corrupt: ${what}`);
}

function truncated(): ArchiveFormatError {
  return new ArchiveFormatError("xz data is truncated");
}

function need(data: InputBuffer, at: number, length: number): void {
  if (!data.has(at + length)) throw truncated();
}

function uint32le(data: InputBuffer, at: number): number {
  need(data, at, 4);
  return data.bytes(at, 4).readUInt32LE(0);
}

function uint16be(data: InputBuffer, at: number): number {
  need(data, at, 2);
  return data.bytes(at, 2).readUInt16BE(0);
}

/** A variable-length integer (also read by `xz-block-scan.ts`): 7 bits per byte, least significant first, at most 9 bytes, minimally encoded. */
export function readVli(data: InputBuffer, at: number): [value: number, next: number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const byte = data.byte(at + i);
    if (byte === undefined) throw truncated();
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (i > 0 && byte === 0) throw corrupt("non-minimal variable-length integer");
      if (!Number.isSafeInteger(value)) throw corrupt("integer too large");
      return [value, at + i + 1];
    }
  }
  throw corrupt("variable-length integer longer than 9 bytes");
}

/** Decodes one stream starting at `start`; returns where it ends. */
function* decodeStream(data: InputBuffer, start: number, stream: number, maxDictionary: number): Generator<Buffer, number, undefined> {
  if (!data.has(start + 12) || !data.bytes(start, 6).equals(STREAM_MAGIC)) {
    if (stream === 0) throw new ArchiveFormatError("not xz data: bad stream header magic");
    throw corrupt("unexpected data after the end of a stream");
  }
  // A copy: the header's flags are compared with the footer's, long after these bytes are released.
  const flags = Buffer.from(data.bytes(start + 6, 2));
  if (crc32(flags) !== uint32le(data, start + 8)) throw corrupt("stream header fails its CRC check");
  if (flags[0] !== 0 || ((flags[1] ?? 0) & 0xf0) !== 0) throw new ArchiveFormatError("xz stream uses unsupported stream flags");
  const checkType = (flags[1] ?? 0) & 0x0f;
  if (CHECK_NAMES[checkType] === undefined) throw new ArchiveFormatError(`xz stream uses unsupported integrity check type ${checkType}`);
  const checkSize = CHECK_SIZES[checkType] ?? 0;

  let at = start + 12;
  const records: { unpaddedSize: number; uncompressedSize: number }[] = [];
  for (let block = 1; ; block++) {
    need(data, at, 1);
    if (data.byte(at) === 0) break; // the index indicator: no more blocks
    const blockStart = at;
    const header = parseBlockHeader(data, at, block);
    at = header.dataStart;
    const check = new Check(checkType);
    let uncompressedSize = 0;
    const decoder = decodeLzma2(data, at, header.dictionarySize, maxDictionary, block);
    for (;;) {
      const next = decoder.next();
      if (next.done === true) {
        at = next.value;
        break;
      }
      check.update(next.value);
      uncompressedSize += next.value.length;
      yield next.value;
    }
    const compressedSize = at - header.dataStart;
    if (header.compressedSize !== undefined && header.compressedSize !== compressedSize) {
      throw corrupt(`block ${block} has a different compressed size than its header says`);
    }
    if (header.uncompressedSize !== undefined && header.uncompressedSize !== uncompressedSize) {
      throw corrupt(`block ${block} has a different uncompressed size than its header says`);
    }
    while ((at - blockStart) % 4 !== 0) {
      need(data, at, 1);
      if (data.byte(at++) !== 0) throw corrupt(`block ${block} padding is not zero`);
    }
    need(data, at, checkSize);
    if (!check.digest().equals(data.bytes(at, checkSize))) {
      throw new ArchiveFormatError(`xz data is corrupt: block ${block} fails its ${CHECK_NAMES[checkType]} check`);
    }
    at += checkSize;
    records.push({ unpaddedSize: header.size + compressedSize + checkSize, uncompressedSize });
  }

  // The index repeats every block's sizes; it must agree with what was decoded.
  const indexStart = at;
  let count: number;
  [count, at] = readVli(data, at + 1);
  if (count !== records.length) throw corrupt(`index lists ${count} blocks, but the stream has ${records.length}`);
  for (const record of records) {
    let unpaddedSize: number;
    let uncompressedSize: number;
    [unpaddedSize, at] = readVli(data, at);
    [uncompressedSize, at] = readVli(data, at);
    if (unpaddedSize !== record.unpaddedSize || uncompressedSize !== record.uncompressedSize) {
      throw corrupt("index does not match the blocks");
    }
  }
  while ((at - indexStart) % 4 !== 0) {
    need(data, at, 1);
    if (data.byte(at++) !== 0) throw corrupt("index padding is not zero");
  }
  need(data, at, 4 + 12);
  if (crc32(data.bytes(indexStart, at - indexStart)) !== uint32le(data, at)) throw corrupt("index fails its CRC check");
  const indexSize = at - indexStart;
  at += 4;

  const footer = data.bytes(at, 12);
  if (crc32(footer.subarray(4, 10)) !== footer.readUInt32LE(0)) throw corrupt("stream footer fails its CRC check");
  if ((footer.readUInt32LE(4) + 1) * 4 !== indexSize + 4) throw corrupt("stream footer's index size does not match the index");
  if (!footer.subarray(8, 10).equals(flags)) throw corrupt("stream footer's flags differ from the header's");
  if (!footer.subarray(10, 12).equals(FOOTER_MAGIC)) throw corrupt("bad stream footer magic");
  return at + 12;
}

/** A block header's fields (see {@link parseBlockHeader}). */
export interface BlockHeader {
  /** The header's own size in bytes. */
  readonly size: number;
  readonly dataStart: number;
  readonly compressedSize: number | undefined;
  readonly uncompressedSize: number | undefined;
  readonly dictionarySize: number;
}

/**
 * Reads and checks the block header at `start` (block number `block`, for
 * messages); also used by `xz-block-scan.ts` to learn a file's filters and
 * dictionary sizes before decoding.
 *
 * @throws ArchiveFormatError for a corrupt header or a filter other than LZMA2.
 */
export function parseBlockHeader(data: InputBuffer, start: number, block: number): BlockHeader {
  const size = ((data.byte(start) ?? 0) + 1) * 4;
  need(data, start, size);
  const end = start + size - 4;
  if (crc32(data.bytes(start, end - start)) !== uint32le(data, end)) throw corrupt(`block ${block} header fails its CRC check`);
  const flags = data.byte(start + 1) ?? 0;
  if ((flags & 0x3c) !== 0) throw new ArchiveFormatError(`xz block ${block} header uses unsupported flags`);
  let at = start + 2;
  let compressedSize: number | undefined;
  let uncompressedSize: number | undefined;
  if (flags & 0x40) [compressedSize, at] = readVli(data, at);
  if (flags & 0x80) [uncompressedSize, at] = readVli(data, at);
  const filterCount = (flags & 0x03) + 1;
  let dictionarySize = 0;
  for (let filter = 0; filter < filterCount; filter++) {
    let id: number;
    let propertiesSize: number;
    [id, at] = readVli(data, at);
    [propertiesSize, at] = readVli(data, at);
    if (at + propertiesSize > end) throw corrupt(`block ${block} header's filter list overruns the header`);
    if (id !== LZMA2_FILTER) {
      const name = FILTER_NAMES[id];
      throw new ArchiveFormatError(`xz block ${block} uses the ${name ?? `unknown (ID 0x${id.toString(16)})`} filter; only LZMA2 is supported`);
    }
    if (filter !== filterCount - 1) throw corrupt("LZMA2 is not the last filter");
    if (propertiesSize !== 1) throw corrupt("LZMA2 filter properties are not one byte");
    dictionarySize = lzma2DictionarySize(data.byte(at) ?? 0);
    at += 1;
  }
  for (; at < end; at++) if (data.byte(at) !== 0) throw corrupt(`block ${block} header padding is not zero`);
  return { size, dataStart: start + size, compressedSize, uncompressedSize, dictionarySize };
}

/** LZMA2's one-byte dictionary size: 2^n or 3·2^(n-1), from 4 KiB up to 4 GiB - 1. */
function lzma2DictionarySize(byte: number): number {
  const bits = byte & 0x3f;
  if (bits > 40 || byte & 0xc0) throw corrupt("invalid LZMA2 dictionary size");
  if (bits === 40) return 0xffffffff;
  return (2 | (bits & 1)) * 2 ** (Math.floor(bits / 2) + 11);
}

/** A block's integrity check, fed the block's output as it is produced. */
class Check {
  readonly #type: number;
  #crc32 = 0;
  #crc64Low = 0;
  #crc64High = 0;
  readonly #sha256 = createHash("sha256");

  constructor(type: number) {
    this.#type = type;
  }

  update(data: Buffer): void {
    if (this.#type === 1) this.#crc32 = crc32(data, this.#crc32);
    else if (this.#type === 4) [this.#crc64Low, this.#crc64High] = crc64(data, this.#crc64Low, this.#crc64High);
    else if (this.#type === 10) this.#sha256.update(data);
  }

  /** The check field as stored: little-endian for the CRCs. */
  digest(): Buffer {
    if (this.#type === 0) return Buffer.alloc(0);
    if (this.#type === 10) return this.#sha256.digest();
    const out = Buffer.alloc(this.#type === 1 ? 4 : 8);
    if (this.#type === 1) out.writeUInt32LE(this.#crc32, 0);
    else {
      out.writeUInt32LE(this.#crc64Low, 0);
      out.writeUInt32LE(this.#crc64High, 4);
    }
    return out;
  }
}

/** CRC-64/XZ (ECMA-182 polynomial, reflected), table-driven on 32-bit halves since JS bit operations are 32-bit. */
const CRC64_TABLE_LOW = new Uint32Array(256);
const CRC64_TABLE_HIGH = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let low = i;
  let high = 0;
  for (let k = 0; k < 8; k++) {
    const carry = low & 1;
    low = (low >>> 1) | (high << 31);
    high >>>= 1;
    if (carry) {
      low ^= 0xd7870f42;
      high ^= 0xc96c5795;
    }
  }
  CRC64_TABLE_LOW[i] = low >>> 0;
  CRC64_TABLE_HIGH[i] = high >>> 0;
}

function crc64(data: Uint8Array, previousLow: number, previousHigh: number): [low: number, high: number] {
  let low = ~previousLow;
  let high = ~previousHigh;
  for (let i = 0; i < data.length; i++) {
    const index = (low ^ (data[i] ?? 0)) & 0xff;
    low = ((low >>> 8) | (high << 24)) ^ (CRC64_TABLE_LOW[index] ?? 0);
    high = (high >>> 8) ^ (CRC64_TABLE_HIGH[index] ?? 0);
  }
  return [~low >>> 0, ~high >>> 0];
}

/**
 * Decodes one block's LZMA2 data starting at `start`, yielding output after
 * each chunk; returns the offset just past the end-of-data marker.
 */
function* decodeLzma2(data: InputBuffer, start: number, dictionarySize: number, maxDictionary: number, block: number): Generator<Buffer, number, undefined> {
  const window = new Window(dictionarySize, maxDictionary);
  const lzma = new LzmaDecoder(window);
  let at = start;
  let needDictionaryReset = true;
  let needProperties = true;
  for (;;) {
    // Nothing before this chunk is looked at again.
    data.release(at);
    need(data, at, 1);
    const control = data.byte(at++) ?? 0;
    if (control === 0x00) return at;
    if (control === 0x01 || control === 0x02) {
      // A stored chunk; 0x01 also resets the dictionary.
      if (control === 0x01) {
        window.reset();
        needDictionaryReset = false;
      } else if (needDictionaryReset) {
        throw corrupt(`block ${block} does not start with a dictionary reset`);
      }
      const size = uint16be(data, at) + 1;
      at += 2;
      need(data, at, size);
      window.write(data.bytes(at, size));
      at += size;
      yield* window.takeOutput();
      continue;
    }
    if (control < 0x80) throw corrupt(`block ${block} has an invalid LZMA2 control byte 0x${control.toString(16)}`);
    // An LZMA chunk; bits 5-6 say what to reset first: 0 nothing, 1 state, 2 state + properties, 3 everything.
    const reset = (control >>> 5) & 3;
    const unpackedSize = (control & 0x1f) * 0x10000 + uint16be(data, at) + 1;
    const packedSize = uint16be(data, at + 2) + 1;
    at += 4;
    if (reset === 3) {
      window.reset();
      needDictionaryReset = false;
    } else if (needDictionaryReset) {
      throw corrupt(`block ${block} does not start with a dictionary reset`);
    }
    if (reset >= 2) {
      need(data, at, 1);
      lzma.setProperties(data.byte(at++) ?? 0);
      needProperties = false;
    } else if (needProperties) {
      throw corrupt(`block ${block}'s first LZMA chunk does not set properties`);
    }
    if (reset >= 1) lzma.resetState();
    need(data, at, packedSize);
    lzma.decodeChunk(data.bytes(at, packedSize), 0, packedSize, unpackedSize);
    at += packedSize;
    yield* window.takeOutput();
  }
}

/**
 * The sliding dictionary, which is also the output buffer. It is allocated at
 * its full size at once, which costs no memory until it is written (the pages
 * are the kernel's zero pages until then), and wraps around when full,
 * handing out what it is about to overwrite.
 */
class Window {
  buffer: Uint8Array;
  /** Where the next byte goes. */
  position = 0;
  /** Bytes since the last dictionary reset (the LZMA "position", for position-dependent contexts). */
  total = 0;
  #wrapped = false;
  #flushed = 0;
  #pending: Buffer[] = [];
  /** The dictionary size the stream declares, which may be larger than the window is allowed to be. */
  readonly declared: number;

  constructor(declared: number, max: number) {
    this.declared = declared;
    this.buffer = new Uint8Array(Math.min(declared, max));
  }

  /** Whether a match `distance` bytes back (0 = the last byte) cannot be served only because the window was capped. */
  beyondCap(distance: number): boolean {
    return this.#wrapped && this.declared > this.buffer.length && distance >= this.buffer.length && distance < this.declared;
  }

  reset(): void {
    this.position = 0;
    this.total = 0;
    this.#wrapped = false;
    this.#flushed = 0;
  }

  /** How many bytes back a match may reach. */
  get available(): number {
    return this.#wrapped ? this.buffer.length : this.position;
  }

  /** The byte `distance` bytes back (1 = the last one written). */
  byteBack(distance: number): number {
    let index = this.position - distance;
    if (index < 0) index += this.buffer.length;
    return this.buffer[index] ?? 0;
  }

  /** Makes room at the end: hands out the buffer and wraps to the start. */
  #makeRoom(): void {
    this.#pending.push(Buffer.from(this.buffer.subarray(this.#flushed, this.position)));
    this.position = 0;
    this.#flushed = 0;
    this.#wrapped = true;
  }

  put(byte: number): void {
    if (this.position === this.buffer.length) this.#makeRoom();
    this.buffer[this.position++] = byte;
    this.total++;
  }

  /** Copies `length` bytes from `distance` bytes back (which may overlap what is being written). */
  copyMatch(distance: number, length: number): void {
    let from = this.position - distance;
    if (from < 0) from += this.buffer.length;
    if (distance >= length && from + length <= this.position && this.position + length <= this.buffer.length) {
      this.buffer.copyWithin(this.position, from, from + length);
      this.position += length;
      this.total += length;
      return;
    }
    for (let i = 0; i < length; i++) {
      if (this.position === this.buffer.length) this.#makeRoom();
      if (from === this.buffer.length) from = 0;
      this.buffer[this.position++] = this.buffer[from++] ?? 0;
      this.total++;
    }
  }

  write(bytes: Uint8Array): void {
    for (let done = 0; done < bytes.length; ) {
      if (this.position === this.buffer.length) this.#makeRoom();
      const take = Math.min(bytes.length - done, this.buffer.length - this.position);
      this.buffer.set(bytes.subarray(done, done + take), this.position);
      this.position += take;
      this.total += take;
      done += take;
    }
  }

  /** Everything written since the last call, as copies (the buffer will be overwritten). */
  takeOutput(): Buffer[] {
    const output = this.#pending;
    if (this.position > this.#flushed) output.push(Buffer.from(this.buffer.subarray(this.#flushed, this.position)));
    this.#flushed = this.position;
    this.#pending = [];
    return output;
  }
}

const STATES = 12;
const POS_STATES_MAX = 16;
const END_POS_MODEL_INDEX = 14;
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;
const MATCH_MIN_LENGTH = 2;
/** A length coder: choice, choice2, then low (3 bits) and mid (3 bits) trees per position state, and one high (8 bits) tree. */
const LEN_LOW = 2;
const LEN_MID = LEN_LOW + POS_STATES_MAX * 8;
const LEN_HIGH = LEN_MID + POS_STATES_MAX * 8;
const LEN_PROBS = LEN_HIGH + 256;
const PROB_INIT = 1024;

/**
 * The LZMA decoder proper: a range decoder driving adaptive binary
 * probabilities that model literals, matches and repeated distances.
 */
class LzmaDecoder {
  readonly #window: Window;
  #lc = 0;
  #literalPosMask = 0;
  #posMask = 0;

  #state = 0;
  #rep0 = 0;
  #rep1 = 0;
  #rep2 = 0;
  #rep3 = 0;

  #literal = new Uint16Array(0);
  readonly #isMatch = new Uint16Array(STATES * POS_STATES_MAX);
  readonly #isRep = new Uint16Array(STATES);
  readonly #isRepG0 = new Uint16Array(STATES);
  readonly #isRepG1 = new Uint16Array(STATES);
  readonly #isRepG2 = new Uint16Array(STATES);
  readonly #isRep0Long = new Uint16Array(STATES * POS_STATES_MAX);
  readonly #posSlot = new Uint16Array(4 * 64);
  readonly #posSpecial = new Uint16Array(1 + FULL_DISTANCES - END_POS_MODEL_INDEX);
  readonly #align = new Uint16Array(1 << ALIGN_BITS);
  readonly #matchLength = new Uint16Array(LEN_PROBS);
  readonly #repLength = new Uint16Array(LEN_PROBS);

  // The range decoder, reading one chunk's packed bytes. `range` and `code` are unsigned 32-bit values kept in
  // signed int32 form (`| 0`), which the JIT keeps in integer registers; they are compared as unsigned via `>>> 0`.
  #input: Uint8Array = Buffer.alloc(0);
  #inPosition = 0;
  #range = 0;
  #code = 0;

  constructor(window: Window) {
    this.#window = window;
  }

  /** The properties byte: (pb * 5 + lp) * 9 + lc; LZMA2 requires lc + lp <= 4. */
  setProperties(byte: number): void {
    if (byte >= 9 * 5 * 5) throw corrupt("invalid LZMA properties");
    const lc = byte % 9;
    const lp = Math.floor(byte / 9) % 5;
    const pb = Math.floor(byte / 45);
    if (lc + lp > 4) throw corrupt("LZMA2 properties with lc + lp > 4");
    this.#lc = lc;
    this.#literalPosMask = (1 << lp) - 1;
    this.#posMask = (1 << pb) - 1;
    this.#literal = new Uint16Array(0x300 << (lc + lp));
  }

  resetState(): void {
    this.#state = 0;
    this.#rep0 = this.#rep1 = this.#rep2 = this.#rep3 = 0;
    for (const probabilities of [
      this.#literal,
      this.#isMatch,
      this.#isRep,
      this.#isRepG0,
      this.#isRepG1,
      this.#isRepG2,
      this.#isRep0Long,
      this.#posSlot,
      this.#posSpecial,
      this.#align,
      this.#matchLength,
      this.#repLength,
    ]) {
      probabilities.fill(PROB_INIT);
    }
  }

  #bit(probabilities: Uint16Array, index: number): number {
    const probability = probabilities[index] ?? 0;
    const bound = Math.imul(this.#range >>> 11, probability);
    let bit: number;
    if (this.#code >>> 0 < bound >>> 0) {
      this.#range = bound;
      probabilities[index] = probability + ((2048 - probability) >>> 5);
      bit = 0;
    } else {
      this.#range = (this.#range - bound) | 0;
      this.#code = (this.#code - bound) | 0;
      probabilities[index] = probability - (probability >>> 5);
      bit = 1;
    }
    if (this.#range >>> 24 === 0) {
      this.#range <<= 8;
      this.#code = (this.#code << 8) | (this.#input[this.#inPosition++] ?? 0);
    }
    return bit;
  }

  /** Bits with probability one half, most significant first. */
  #directBits(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      this.#range = this.#range >>> 1;
      let bit = 0;
      if (this.#code >>> 0 >= this.#range >>> 0) {
        this.#code = (this.#code - this.#range) | 0;
        bit = 1;
      }
      value = value * 2 + bit;
      if (this.#range >>> 24 === 0) {
        this.#range <<= 8;
        this.#code = (this.#code << 8) | (this.#input[this.#inPosition++] ?? 0);
      }
    }
    return value;
  }

  #bitTree(probabilities: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.#bit(probabilities, base + m);
    return m - (1 << bits);
  }

  #reverseBitTree(probabilities: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let value = 0;
    for (let i = 0; i < bits; i++) {
      const bit = this.#bit(probabilities, base + m);
      m = (m << 1) | bit;
      value |= bit << i;
    }
    return value;
  }

  #length(probabilities: Uint16Array, posState: number): number {
    if (this.#bit(probabilities, 0) === 0) return this.#bitTree(probabilities, LEN_LOW + posState * 8, 3);
    if (this.#bit(probabilities, 1) === 0) return 8 + this.#bitTree(probabilities, LEN_MID + posState * 8, 3);
    return 16 + this.#bitTree(probabilities, LEN_HIGH, 8);
  }

  /** A match distance (0 = the previous byte), given the match length (less the minimum). */
  #distance(length: number): number {
    const slot = this.#bitTree(this.#posSlot, Math.min(length, 3) * 64, 6);
    if (slot < 4) return slot;
    const directBits = (slot >>> 1) - 1;
    if (slot < END_POS_MODEL_INDEX) {
      const base = (2 | (slot & 1)) << directBits; // at most 96: small-integer arithmetic
      return base + this.#reverseBitTree(this.#posSpecial, base - slot, directBits);
    }
    // Up to 2^32 - 1: too big for 32-bit integer operations, so plain arithmetic.
    const high = (2 | (slot & 1)) * 2 ** (directBits - ALIGN_BITS) + this.#directBits(directBits - ALIGN_BITS);
    return high * (1 << ALIGN_BITS) + this.#reverseBitTree(this.#align, 0, ALIGN_BITS);
  }

  /** Decodes one LZMA chunk: exactly `packedSize` input bytes into exactly `unpackedSize` output bytes. */
  decodeChunk(input: Uint8Array, start: number, packedSize: number, unpackedSize: number): void {
    if (input[start] !== 0) throw corrupt("LZMA chunk does not start with a zero byte");
    this.#input = input;
    this.#code = ((input[start + 1] ?? 0) << 24) | ((input[start + 2] ?? 0) << 16) | ((input[start + 3] ?? 0) << 8) | (input[start + 4] ?? 0);
    this.#range = 0xffffffff | 0;
    this.#inPosition = start + 5;
    const window = this.#window;
    const end = window.total + unpackedSize;

    while (window.total < end) {
      const posState = window.total & this.#posMask;
      const state = this.#state;
      if (this.#bit(this.#isMatch, state * POS_STATES_MAX + posState) === 0) {
        window.put(this.#decodeLiteral());
        this.#state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let length: number;
      if (this.#bit(this.#isRep, state) === 0) {
        // A new distance.
        length = this.#length(this.#matchLength, posState);
        this.#state = state < 7 ? 7 : 10;
        const distance = this.#distance(length);
        if (distance === 0xffffffff) throw corrupt("end-of-payload marker inside an LZMA2 chunk");
        this.#rep3 = this.#rep2;
        this.#rep2 = this.#rep1;
        this.#rep1 = this.#rep0;
        this.#rep0 = distance;
      } else {
        // A recent distance.
        if (window.available === 0) throw corrupt("repeated match before any data");
        if (this.#bit(this.#isRepG0, state) === 0) {
          if (this.#bit(this.#isRep0Long, state * POS_STATES_MAX + posState) === 0) {
            // A "short rep": one byte from the last distance.
            this.#state = state < 7 ? 9 : 11;
            window.put(window.byteBack(this.#rep0 + 1));
            continue;
          }
        } else {
          let distance: number;
          if (this.#bit(this.#isRepG1, state) === 0) {
            distance = this.#rep1;
          } else {
            if (this.#bit(this.#isRepG2, state) === 0) {
              distance = this.#rep2;
            } else {
              distance = this.#rep3;
              this.#rep3 = this.#rep2;
            }
            this.#rep2 = this.#rep1;
          }
          this.#rep1 = this.#rep0;
          this.#rep0 = distance;
        }
        length = this.#length(this.#repLength, posState);
        this.#state = state < 7 ? 8 : 11;
      }
      const matchLength = length + MATCH_MIN_LENGTH;
      if (this.#rep0 >= window.available) {
        if (window.beyondCap(this.#rep0)) {
          throw new ArchiveFormatError(
            `xz data declares a ${mebibytes(window.declared)} dictionary and reaches back further than ${mebibytes(window.buffer.length)}, the most Kiln decodes with (recompress it with a smaller dictionary, e.g. xz -9)`,
          );
        }
        throw corrupt("match distance reaches before the start of the dictionary");
      }
      if (window.total + matchLength > end) throw corrupt("match runs past the end of its LZMA2 chunk");
      window.copyMatch(this.#rep0 + 1, matchLength);
    }
    if (this.#inPosition !== start + packedSize) throw corrupt("LZMA chunk's compressed size does not match its contents");
  }

  #decodeLiteral(): number {
    const window = this.#window;
    const previous = window.total === 0 ? 0 : window.byteBack(1);
    const context = ((window.total & this.#literalPosMask) << this.#lc) + (previous >>> (8 - this.#lc));
    const base = 0x300 * context;
    const probabilities = this.#literal;
    let symbol = 1;
    if (this.#state >= 7) {
      // After a match, the byte at the last distance predicts this one until the first differing bit.
      let match = window.byteBack(this.#rep0 + 1);
      do {
        const matchBit = (match >>> 7) & 1;
        match <<= 1;
        const bit = this.#bit(probabilities, base + ((1 + matchBit) << 8) + symbol);
        symbol = (symbol << 1) | bit;
        if (bit !== matchBit) break;
      } while (symbol < 0x100);
    }
    while (symbol < 0x100) symbol = (symbol << 1) | this.#bit(probabilities, base + symbol);
    return symbol & 0xff;
  }
}
