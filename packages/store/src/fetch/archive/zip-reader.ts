/**
 * A zip reader that goes by the central directory, as `unzip` does: the
 * central directory is the authoritative list of entries (local headers may be
 * stale, and may omit sizes), so it is read first and each entry's data is then
 * read from its local header's position.
 *
 * Entries may be stored, deflated or bzip2-compressed; zip64 sizes and offsets
 * are understood. On archives made on Unix, the high 16 bits of the external
 * attributes hold the `st_mode`, which is how executables and symlinks survive
 * zipping; a symlink's target is its entry's contents. Every entry's size and
 * CRC-32 are checked as it is read.
 *
 * Names are kept as raw bytes as well as decoded, as in the tar reader: the
 * unpacker must write exactly what the archive names.
 */
import { open, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { createInflateRaw, crc32, inflateRawSync } from "node:zlib"; // crc32: Node >= 20.15
import { ArchiveFormatError } from "./archive-errors.js";
import { bzip2DecompressChunks } from "./bzip2-decompress.js";
import { fileRange } from "./input-buffer.js";

/** What a zip entry is; `other` covers devices, fifos and sockets (see {@link ZipEntry.unixFileType}). */
export type ZipEntryType = "file" | "directory" | "symlink" | "other";

/** One entry of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  /** The entry name, decoded as UTF-8 (for messages; invalid bytes show as U+FFFD). */
  readonly name: string;
  /** The entry name exactly as stored (or from the Info-ZIP Unicode path field, when it is valid). */
  readonly rawName: Buffer;
  /** What the entry is, from its Unix mode if it has one, else from its name's trailing slash or DOS attributes. */
  readonly type: ZipEntryType;
  /** Permission bits (`0o7777` at most): the Unix mode if the archive has one, else 0o755 for directories and 0o644 for files. */
  readonly mode: number;
  /** The `S_IFMT` bits of the Unix mode (`0o020000` for a character device, ...), or 0 if the archive has no Unix modes. */
  readonly unixFileType: number;
  /** A symlink's target (its contents), decoded as UTF-8; `""` for other types. */
  readonly linkName: string;
  /** A symlink's target exactly as stored. */
  readonly rawLinkName: Buffer;
  /** How many bytes {@link ZipEntry.body} yields: the uncompressed size, or 0 for directories and symlinks. */
  readonly size: number;
  /**
   * The uncompressed contents, in pieces, checked against the recorded size
   * and CRC-32 as they are read. It must be read before the reader finishes,
   * which closes the file.
   */
  readonly body: AsyncIterable<Buffer>;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** The end-of-central-directory record is 22 bytes plus a comment of at most 65535. */
const MAX_EOCD_SEARCH = 22 + 0xffff;
const READ_SIZE = 1 << 18;
/** Entries up to this size (compressed and not) are inflated in one call rather than streamed. */
const SMALL_ENTRY = 1 << 20;
/** Symlink targets are held in memory; real ones are far below this (PATH_MAX is 4096). */
const MAX_LINK_SIZE = 1 << 16;

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
/** "Version made by" hosts whose external attributes carry a Unix mode: Unix and OS X. */
const UNIX_HOSTS = new Set([3, 19]);

interface CentralEntry {
  readonly rawName: Buffer;
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
  readonly host: number;
  readonly externalAttributes: number;
}

/**
 * Reads the zip archive at `file`, entry by entry in central-directory order.
 *
 * @throws ArchiveFormatError when the file is not a zip, is truncated, is
 *   split over several disks or encrypted, uses a compression method other
 *   than stored, deflate or bzip2, or when an entry's size or CRC-32 does not
 *   match.
 */
export async function* readZip(file: string): AsyncGenerator<ZipEntry, void, undefined> {
  const handle = await open(file, "r");
  try {
    const fileSize = (await handle.stat()).size;
    const central = await readCentralDirectory(handle, fileSize);
    for (const entry of central.entries) {
      const dataOffset = await locateData(handle, entry, central.shift, fileSize);
      yield await makeEntry(handle, entry, dataOffset);
    }
  } finally {
    await handle.close();
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buffer : buffer.subarray(0, got);
}

function uint64(buffer: Buffer, offset: number, what: string): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ArchiveFormatError(`zip ${what} is too large`);
  return Number(value);
}

async function readCentralDirectory(
  handle: FileHandle,
  fileSize: number,
): Promise<{ entries: CentralEntry[]; shift: number }> {
  const tailStart = Math.max(0, fileSize - MAX_EOCD_SEARCH);
  const tail = await readAt(handle, tailStart, fileSize - tailStart);
  let eocd = -1;
  for (let at = tail.length - 22; at >= 0; at--) {
    if (tail.readUInt32LE(at) === EOCD_SIGNATURE && at + 22 + tail.readUInt16LE(at + 20) <= tail.length) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new ArchiveFormatError("not a zip archive, or truncated: no end-of-central-directory record");
  let disk = tail.readUInt16LE(eocd + 4);
  let centralDisk = tail.readUInt16LE(eocd + 6);
  let count = tail.readUInt16LE(eocd + 10);
  let centralSize = tail.readUInt32LE(eocd + 12);
  let centralOffset = tail.readUInt32LE(eocd + 16);
  // Where the central directory ends: right before the (zip64) end record.
  let centralEnd = tailStart + eocd;

  const locatorAt = tailStart + eocd - 20;
  const locator = locatorAt >= 0 ? await readAt(handle, locatorAt, 20) : Buffer.alloc(0);
  if (locator.length === 20 && locator.readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE) {
    const recordAt = uint64(locator, 8, "zip64 end record offset");
    const record = await readAt(handle, recordAt, 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) {
      throw new ArchiveFormatError("zip64 end-of-central-directory record is missing or corrupt");
    }
    disk = record.readUInt32LE(16);
    centralDisk = record.readUInt32LE(20);
    count = uint64(record, 32, "entry count");
    centralSize = uint64(record, 40, "central directory size");
    centralOffset = uint64(record, 48, "central directory offset");
    centralEnd = recordAt;
  }
  if (disk !== 0 || centralDisk !== 0) throw new ArchiveFormatError("zip archives split over several disks are not supported");
  // Data prepended to the archive (a self-extractor stub) shifts every recorded offset by the same amount.
  const centralStart = centralEnd - centralSize;
  if (centralStart < 0) throw new ArchiveFormatError("zip central directory size is larger than the file");
  const shift = centralStart - centralOffset;
  const directory = await readAt(handle, centralStart, centralSize);
  if (directory.length < centralSize) throw new ArchiveFormatError("zip central directory is truncated");

  const entries: CentralEntry[] = [];
  let at = 0;
  for (let index = 0; index < count; index++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw new ArchiveFormatError(`zip central directory is corrupt at entry ${index + 1} of ${count}`);
    }
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > directory.length) throw new ArchiveFormatError(`zip central directory is truncated at entry ${index + 1}`);
    const storedName = directory.subarray(at + 46, at + 46 + nameLength);
    const extra = directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    const flags = directory.readUInt16LE(at + 8);
    let compressedSize = directory.readUInt32LE(at + 20);
    let size = directory.readUInt32LE(at + 24);
    let localOffset = directory.readUInt32LE(at + 42);
    const name = storedName.toString("utf8");

    let unicodeName: Buffer | undefined;
    forEachExtraField(extra, (id, data) => {
      if (id === 0x0001) {
        // Zip64: 8-byte values, in this order, for exactly the fields that overflowed.
        let field = 0;
        const next = (): number => {
          if (field + 8 > data.length) throw new ArchiveFormatError(`zip entry '${name}': zip64 extra field is too short`);
          const value = uint64(data, field, `entry '${name}' size or offset`);
          field += 8;
          return value;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      } else if (id === 0x7075 && data.length >= 5 && data[0] === 1) {
        // Info-ZIP Unicode path: valid only while the stored name still has the CRC it records.
        if (data.readUInt32LE(1) === crc32(storedName)) unicodeName = data.subarray(5);
      }
    });
    const rawName = (flags & 0x800) === 0 && unicodeName !== undefined ? unicodeName : storedName;
    entries.push({
      rawName,
      name: rawName.toString("utf8"),
      flags,
      method: directory.readUInt16LE(at + 10),
      crc: directory.readUInt32LE(at + 16),
      compressedSize,
      size,
      localOffset,
      host: directory[at + 5] ?? 0,
      externalAttributes: directory.readUInt32LE(at + 38),
    });
    at = end;
  }
  return { entries, shift };
}

function forEachExtraField(extra: Buffer, visit: (id: number, data: Buffer) => void): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (at + 4 + length > extra.length) return; // a malformed trailing field is ignored, as unzip does
    visit(id, extra.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
}

async function locateData(handle: FileHandle, entry: CentralEntry, shift: number, fileSize: number): Promise<number> {
  const at = entry.localOffset + shift;
  const local = await readAt(handle, at, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIGNATURE) {
    throw new ArchiveFormatError(`zip entry '${entry.name}': local header missing at byte ${at}`, { entryName: entry.name });
  }
  const dataOffset = at + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (dataOffset + entry.compressedSize > fileSize) {
    throw new ArchiveFormatError(`zip entry '${entry.name}': data runs past the end of the file (truncated archive)`, {
      entryName: entry.name,
    });
  }
  return dataOffset;
}

async function makeEntry(handle: FileHandle, entry: CentralEntry, dataOffset: number): Promise<ZipEntry> {
  const { name } = entry;
  if ((entry.flags & 0x41) !== 0) throw new ArchiveFormatError(`zip entry '${name}' is encrypted`, { entryName: name });
  if (entry.method !== 0 && entry.method !== 8 && entry.method !== 12) {
    throw new ArchiveFormatError(`zip entry '${name}' uses compression method ${entry.method}; only stored, deflate and bzip2 are supported`, {
      entryName: name,
    });
  }
  if (entry.method === 0 && entry.compressedSize !== entry.size) {
    throw new ArchiveFormatError(`zip entry '${name}' is stored but its sizes differ`, { entryName: name });
  }
  const unixMode = UNIX_HOSTS.has(entry.host) ? entry.externalAttributes >>> 16 : 0;
  const endsWithSlash = entry.rawName[entry.rawName.length - 1] === 0x2f;
  let type: ZipEntryType;
  let unixFileType = unixMode & S_IFMT;
  if (unixMode === 0) {
    // No Unix mode (a DOS/Windows archive): a trailing slash or the DOS directory attribute marks directories.
    type = endsWithSlash || (entry.externalAttributes & 0x10) !== 0 ? "directory" : "file";
    unixFileType = 0;
  } else if (unixFileType === S_IFDIR || (endsWithSlash && (unixFileType === S_IFREG || unixFileType === 0))) {
    type = "directory";
  } else if (unixFileType === S_IFLNK) {
    type = "symlink";
  } else if (unixFileType === S_IFREG || unixFileType === 0) {
    type = "file";
  } else {
    type = "other";
  }
  const mode = unixMode === 0 ? (type === "directory" ? 0o755 : 0o644) : unixMode & 0o7777;

  const body: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => readBody(handle, entry, dataOffset) };
  let rawLinkName = Buffer.alloc(0);
  if (type === "symlink") {
    if (entry.size > MAX_LINK_SIZE) throw new ArchiveFormatError(`zip symlink '${name}' has a ${entry.size}-byte target`, { entryName: name });
    const pieces: Buffer[] = [];
    for await (const piece of body) pieces.push(piece);
    rawLinkName = Buffer.concat(pieces);
  }
  return {
    name,
    rawName: entry.rawName,
    type,
    mode,
    unixFileType,
    linkName: rawLinkName.toString("utf8"),
    rawLinkName,
    size: type === "file" || type === "other" ? entry.size : 0,
    body: type === "file" || type === "other" ? body : emptyBody(),
  };
}

async function* emptyBody(): AsyncGenerator<Buffer, void, undefined> {}

async function* readCompressed(handle: FileHandle, offset: number, length: number): AsyncGenerator<Buffer, void, undefined> {
  for (let done = 0; done < length; ) {
    const piece = await readAt(handle, offset + done, Math.min(READ_SIZE, length - done));
    if (piece.length === 0) throw new ArchiveFormatError("zip data is truncated");
    done += piece.length;
    yield piece;
  }
}

/** Decompresses one entry, checking that it yields exactly the recorded size with the recorded CRC-32. */
async function* readBody(handle: FileHandle, entry: CentralEntry, dataOffset: number): AsyncGenerator<Buffer, void, undefined> {
  const compressed = readCompressed(handle, dataOffset, entry.compressedSize);
  const pieces =
    entry.method === 8
      ? entry.compressedSize <= SMALL_ENTRY && entry.size <= SMALL_ENTRY
        ? inflateSmall(compressed, entry)
        : inflateRaw(compressed, entry.name)
      : entry.method === 12
        ? bunzip(fileRange(handle.fd, dataOffset, entry.compressedSize), entry.name)
        : compressed;
  let size = 0;
  let crc = 0;
  for await (const piece of pieces) {
    size += piece.length;
    if (size > entry.size) {
      throw new ArchiveFormatError(`zip entry '${entry.name}' is larger than the ${entry.size} bytes its header says`, {
        entryName: entry.name,
      });
    }
    crc = crc32(piece, crc);
    yield piece;
  }
  if (size !== entry.size) {
    throw new ArchiveFormatError(`zip entry '${entry.name}' is ${size} bytes, not the ${entry.size} its header says`, {
      entryName: entry.name,
    });
  }
  if (crc !== entry.crc) throw new ArchiveFormatError(`zip entry '${entry.name}' has a bad CRC-32`, { entryName: entry.name });
}

/**
 * Inflates a small entry in one call: most entries are small, and setting up a stream for each costs more than
 * inflating it. The output is capped just above the recorded size, so a lying header cannot make it balloon.
 */
async function* inflateSmall(compressed: AsyncIterable<Buffer>, entry: CentralEntry): AsyncGenerator<Buffer, void, undefined> {
  const pieces: Buffer[] = [];
  for await (const piece of compressed) pieces.push(piece);
  let output: Buffer;
  try {
    output = inflateRawSync(Buffer.concat(pieces), { maxOutputLength: entry.size + 1 });
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new ArchiveFormatError(`zip entry '${entry.name}' is larger than the ${entry.size} bytes its header says`, { entryName: entry.name });
    }
    throw new ArchiveFormatError(`zip entry '${entry.name}': corrupt deflate data (${(error as Error).message})`, {
      entryName: entry.name,
      cause: error,
    });
  }
  yield output;
}

async function* inflateRaw(compressed: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer, void, undefined> {
  const source = Readable.from(compressed);
  const inflater = createInflateRaw({ chunkSize: 1 << 16 });
  source.on("error", (error) => inflater.destroy(error));
  source.pipe(inflater);
  try {
    for await (const piece of inflater as AsyncIterable<Buffer>) yield piece;
  } catch (error) {
    if (error instanceof ArchiveFormatError) throw error;
    throw new ArchiveFormatError(`zip entry '${name}': corrupt deflate data (${(error as Error).message})`, {
      entryName: name,
      cause: error,
    });
  } finally {
    source.destroy();
    inflater.destroy();
  }
}

/**
 * Decodes a bzip2 entry as it reads it, handing the output on in pieces, so that the caller's size check stops an
 * entry that says it is small, and a large entry takes no more memory than a small one.
 */
async function* bunzip(compressed: Iterable<Buffer>, name: string): AsyncGenerator<Buffer, void, undefined> {
  try {
    yield* bzip2DecompressChunks(compressed);
  } catch (error) {
    if (error instanceof ArchiveFormatError && error.entryName === undefined) {
      throw new ArchiveFormatError(`zip entry '${name}': ${error.message}`, { entryName: name, cause: error });
    }
    throw error;
  }
}
