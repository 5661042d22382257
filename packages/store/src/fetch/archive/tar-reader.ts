/**
 * A streaming tar reader: ustar, GNU (`L`/`K` long names, base-256 numbers)
 * and pax (`x`/`g` extended headers with `path`, `linkpath` and `size`).
 *
 * It reads from any async iterable of byte chunks (a file, or a decompressor
 * in front of one) and hands each entry's contents on in pieces as they
 * arrive, so no archive or file is ever held whole. Every header's checksum is
 * checked, because a tar has no other way to tell a corrupt header from data.
 *
 * Names and link targets are kept as raw bytes (`rawName`, `rawLinkName`) as
 * well as decoded: tar names need not be UTF-8, and decoding them would change
 * what gets unpacked. The reader only parses; deciding what is safe to write
 * is the unpacker's job.
 */
import { ArchiveFormatError } from "./archive-errors.js";

/** What a tar entry is; `other` covers devices, fifos and vendor types (see {@link TarEntry.typeflag}). */
export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

/** One member of a tar archive, with every extended header already applied. */
export interface TarEntry {
  /** The member name, decoded as UTF-8 (for messages; invalid bytes show as U+FFFD). */
  readonly name: string;
  /** The member name exactly as stored. */
  readonly rawName: Buffer;
  /** What the entry is, from its typeflag (unknown typeflags are `other`). */
  readonly type: TarEntryType;
  /** The header's type character as stored (`"0"`, `"\0"`, `"3"`, `"6"`, ...), for `other` entries above all. */
  readonly typeflag: string;
  /** Permission bits (`0o7777` at most). */
  readonly mode: number;
  /** The target of a symlink or hard link, decoded as UTF-8; `""` for other types. */
  readonly linkName: string;
  /** The link target exactly as stored. */
  readonly rawLinkName: Buffer;
  /** How many bytes {@link TarEntry.body} yields (0 for entries that carry no data). */
  readonly size: number;
  /**
   * The entry's contents, in pieces. It must be read before the next entry is
   * asked for; whatever is left unread is skipped then.
   */
  readonly body: AsyncIterable<Buffer>;
}

const BLOCK = 512;
/** Extended headers and long names are held in memory, so their size is capped. */
const MAX_META_SIZE = 1 << 20;
const EMPTY = Buffer.alloc(0);

/**
 * Reads the tar archive whose bytes `source` yields (a stream, or an array of
 * buffers), entry by entry.
 *
 * It stops at the end-of-archive marker (a zero block) but still reads the
 * input to its end, so that a decompressor in front gets to check its trailer.
 * Input that ends at a block boundary without the marker is accepted, as GNU
 * tar accepts it.
 *
 * @throws ArchiveFormatError for a bad header checksum, a malformed number or
 *   extended header, GNU sparse members, or input that ends inside an entry.
 */
export async function* readTar(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<TarEntry, void, undefined> {
  const reader = new ChunkReader(source);
  let global = new Map<string, Buffer>();
  let local: Map<string, Buffer> | undefined;
  let longName: Buffer | undefined;
  let longLink: Buffer | undefined;
  let previous: string | undefined;
  try {
    for (;;) {
      const offset = reader.position;
      const header = await reader.read(BLOCK);
      if (header.length === 0) return;
      const after = previous === undefined ? "" : ` (after entry '${previous}')`;
      if (header.length < BLOCK) throw new ArchiveFormatError(`tar data ends inside a header at byte ${offset}${after}`);
      if (isZeroBlock(header)) {
        await reader.drain();
        return;
      }
      checkChecksum(header, offset, after);

      const typeflag = String.fromCharCode(header[156] ?? 0);
      const headerName = ustarName(header);
      const where = `tar header for '${decode(headerName)}' at byte ${offset}`;
      const headerSize = parseNumber(header, 124, 12, `${where}: size`);

      if (typeflag === "x" || typeflag === "g" || typeflag === "L" || typeflag === "K") {
        if (headerSize > MAX_META_SIZE) throw new ArchiveFormatError(`${where}: extended header of ${headerSize} bytes is too large`);
        const data = await reader.read(headerSize);
        if (data.length < headerSize) throw new ArchiveFormatError(`tar data ends inside the extended header at byte ${offset}`);
        await reader.skip(padding(headerSize), () => truncated(`the extended header at byte ${offset}`));
        if (typeflag === "x") local = new Map([...(local ?? []), ...parsePax(data, where)]);
        else if (typeflag === "g") global = new Map([...global, ...parsePax(data, where)]);
        else if (typeflag === "L") longName = untilNul(data);
        else longLink = untilNul(data);
        continue;
      }

      const pax = (key: string): Buffer | undefined => {
        const value = local?.has(key) === true ? local.get(key) : global.get(key);
        // An empty pax value deletes the field, falling back to the header's own.
        return value === undefined || value.length === 0 ? undefined : value;
      };
      for (const key of [...(local?.keys() ?? []), ...global.keys()]) {
        if (key.startsWith("GNU.sparse.")) {
          throw new ArchiveFormatError(`${where}: GNU sparse files are not supported`, { entryName: decode(headerName) });
        }
      }
      const rawName = pax("path") ?? longName ?? headerName;
      const rawLinkName = pax("linkpath") ?? longLink ?? field(header, 157, 100);
      const paxSize = pax("size");
      local = undefined;
      longName = undefined;
      longLink = undefined;

      const name = decode(rawName);
      previous = name;
      const type = entryType(typeflag, rawName);
      // POSIX: links, directories, devices and fifos carry no data whatever their size field says.
      const hasData = !"123456".includes(typeflag);
      const size = !hasData ? 0 : paxSize === undefined ? headerSize : parsePaxSize(paxSize, `${where}: pax size`);
      const mode = parseNumber(header, 100, 8, `${where}: mode`) & 0o7777;

      const state: BodyState = { remaining: size, current: true };
      yield {
        name,
        rawName,
        type,
        typeflag,
        mode,
        linkName: type === "symlink" || type === "hardlink" ? decode(rawLinkName) : "",
        rawLinkName: type === "symlink" || type === "hardlink" ? rawLinkName : EMPTY,
        size,
        body: body(reader, state, name),
      };
      state.current = false;
      await reader.skip(state.remaining + padding(size), () => truncated(`entry '${name}'`));
    }
  } finally {
    await reader.close();
  }
}

interface BodyState {
  remaining: number;
  current: boolean;
}

async function* body(reader: ChunkReader, state: BodyState, name: string): AsyncGenerator<Buffer, void, undefined> {
  while (state.remaining > 0) {
    if (!state.current) throw new Error(`tar entry '${name}' was read after the reader moved past it`);
    const piece = await reader.readSome(state.remaining);
    if (piece.length === 0) throw truncated(`entry '${name}'`);
    state.remaining -= piece.length;
    yield piece;
  }
}

function truncated(what: string): ArchiveFormatError {
  return new ArchiveFormatError(`tar data is truncated: it ends inside ${what}`);
}

function entryType(typeflag: string, rawName: Buffer): TarEntryType {
  switch (typeflag) {
    case "0":
    case "7": // contiguous file: a regular file everywhere but on a few old systems
      return "file";
    case "\0":
      // Pre-POSIX tars marked directories only by a trailing slash.
      return rawName[rawName.length - 1] === 0x2f ? "directory" : "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "5":
      return "directory";
    default:
      return "other";
  }
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** The checksum is the sum of the header bytes with its own field as spaces; old tars summed signed bytes. */
function checkChecksum(header: Buffer, offset: number, after: string): void {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
    unsigned += byte;
    signed += byte >= 0x80 ? byte - 0x100 : byte;
  }
  const stored = parseOctal(header, 148, 8);
  if (stored !== unsigned && stored !== signed) {
    const message =
      offset === 0
        ? "not a tar archive: the first header's checksum does not match"
        : `tar header at byte ${offset}${after} has a bad checksum (corrupt archive)`;
    throw new ArchiveFormatError(message);
  }
}

/** The member name: ustar splits long names into prefix and name; GNU uses the prefix bytes for other things. */
function ustarName(header: Buffer): Buffer {
  const name = field(header, 0, 100);
  const isPosixUstar = header.toString("latin1", 257, 263) === "ustar\0";
  if (!isPosixUstar) return name;
  const prefix = field(header, 345, 155);
  return prefix.length === 0 ? name : Buffer.concat([prefix, Buffer.from("/"), name]);
}

/** A NUL-terminated field (the whole field if it has no NUL). */
function field(header: Buffer, offset: number, length: number): Buffer {
  const end = header.indexOf(0, offset);
  return header.subarray(offset, end < 0 || end > offset + length ? offset + length : end);
}

function untilNul(data: Buffer): Buffer {
  const end = data.indexOf(0);
  return end < 0 ? data : data.subarray(0, end);
}

/** Octal (possibly space-padded, NUL- or space-terminated), or NaN if malformed. */
function parseOctal(header: Buffer, offset: number, length: number): number {
  const end = offset + length;
  let at = offset;
  while (at < end && header[at] === 0x20) at++;
  let value = 0;
  for (; at < end; at++) {
    const byte = header[at] ?? 0;
    if (byte < 0x30 || byte > 0x37) break;
    value = value * 8 + (byte - 0x30);
  }
  return at < end && header[at] !== 0 && header[at] !== 0x20 ? Number.NaN : value;
}

/** A numeric field: octal, or GNU base-256 (first byte's high bit set) for values octal cannot hold. */
function parseNumber(header: Buffer, offset: number, length: number, what: string): number {
  const first = header[offset] ?? 0;
  let value: number;
  if (first & 0x80) {
    if (first === 0xff) throw new ArchiveFormatError(`${what} is negative`);
    value = first & 0x7f;
    for (let i = offset + 1; i < offset + length; i++) value = value * 256 + (header[i] ?? 0);
  } else {
    value = parseOctal(header, offset, length);
  }
  if (!Number.isSafeInteger(value)) throw new ArchiveFormatError(`${what} field is malformed or too large`);
  return value;
}

function parsePaxSize(value: Buffer, what: string): number {
  const text = value.toString("latin1");
  const size = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(size)) throw new ArchiveFormatError(`${what} '${text}' is not a valid size`);
  return size;
}

/** Pax records are `<length> <key>=<value>\n`, the length counting the whole record. */
function parsePax(data: Buffer, where: string): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) break; // some writers pad the record area with NULs
    const space = data.indexOf(0x20, at);
    const lengthText = space < 0 ? "" : data.toString("latin1", at, space);
    const length = /^[0-9]+$/.test(lengthText) ? Number(lengthText) : Number.NaN;
    const end = at + length;
    if (!Number.isSafeInteger(length) || end > data.length || end <= space + 1 || data[end - 1] !== 0x0a) {
      throw new ArchiveFormatError(`${where}: malformed pax extended header record at byte ${at}`);
    }
    const equals = data.indexOf(0x3d, space + 1);
    if (equals < 0 || equals >= end) throw new ArchiveFormatError(`${where}: pax record without '=' at byte ${at}`);
    records.set(data.toString("utf8", space + 1, equals), data.subarray(equals + 1, end - 1));
    at = end;
  }
  return records;
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function decode(bytes: Buffer): string {
  return bytes.toString("utf8");
}

/**
 * Reads exact byte counts out of a stream of arbitrarily sized chunks, handing
 * out views of the chunks rather than copies wherever a read fits in one.
 */
class ChunkReader {
  /** Bytes consumed so far, for messages. */
  position = 0;
  readonly #iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  #chunk: Buffer = EMPTY;
  #offset = 0;
  #done = false;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.#iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  }

  /** Makes sure some unread bytes are buffered; false at the end of input. */
  async #fill(): Promise<boolean> {
    while (this.#offset >= this.#chunk.length) {
      if (this.#done) return false;
      const next = await this.#iterator.next();
      if (next.done === true) {
        this.#done = true;
        return false;
      }
      const value = next.value;
      this.#chunk = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      this.#offset = 0;
    }
    return true;
  }

  /** Up to `limit` bytes, as many as are buffered or arrive next; empty at the end of input. */
  async readSome(limit: number): Promise<Buffer> {
    if (!(await this.#fill())) return EMPTY;
    const end = Math.min(this.#chunk.length, this.#offset + limit);
    const piece = this.#chunk.subarray(this.#offset, end);
    this.position += piece.length;
    this.#offset = end;
    return piece;
  }

  /** Exactly `length` bytes, or fewer only if the input ends first. */
  async read(length: number): Promise<Buffer> {
    const first = await this.readSome(length);
    if (first.length === length || first.length === 0) return first;
    const pieces = [first];
    let got = first.length;
    while (got < length) {
      const piece = await this.readSome(length - got);
      if (piece.length === 0) break;
      pieces.push(piece);
      got += piece.length;
    }
    return Buffer.concat(pieces, got);
  }

  /** Discards `length` bytes; `onShort` makes the error if the input ends first. */
  async skip(length: number, onShort: () => Error): Promise<void> {
    let left = length;
    while (left > 0) {
      const piece = await this.readSome(left);
      if (piece.length === 0) throw onShort();
      left -= piece.length;
    }
  }

  /** Reads and discards everything that is left. */
  async drain(): Promise<void> {
    while ((await this.readSome(Number.MAX_SAFE_INTEGER)).length > 0);
  }

  /** Lets the source release what it holds (streams, files) if it was not read to the end. */
  async close(): Promise<void> {
    if (!this.#done) {
      this.#done = true;
      await this.#iterator.return?.();
    }
  }
}
