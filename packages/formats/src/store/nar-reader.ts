/**
 * Reading NARs: a streaming parser that checks what Nix checks, and more.
 *
 * It refuses anything that could make an unpacked tree differ from what was
 * hashed or escape its destination: bad magic or tokens, truncated input,
 * non-zero padding, entry names that are empty, `.`, `..`, or contain `/`
 * or NUL, duplicate names, and entries out of byte order. File contents are
 * handed on in chunks, never held whole.
 *
 * It is stricter than Nix 2.8 in two ways, both on purpose. It accepts only the
 * canonical token order that `nix-store --dump` writes (Nix's parser also takes
 * `contents` before `executable`, say), because only canonical NARs hash to
 * what their tree hashes to. And it enforces entry order: Nix 2.8 means to
 * (`name <= prevName`), but resets `prevName` for every entry, so its parser
 * lets unsorted names through (`nix-store --restore` unpacks `b` before `a`).
 *
 * Names and symlink targets are handed on as raw bytes: NAR names need not
 * be UTF-8, and decoding them would silently change what is unpacked.
 */
import { NAR_MAGIC } from "./nar-writer.js";
import { NarParseError } from "./nar-errors.js";

/**
 * Where a node lies in a NAR: the raw bytes of each entry name from the root
 * down, `[]` for the root itself. Bytes, because a name need not be UTF-8.
 */
export type NarPath = readonly Buffer[];

/** A {@link NarPath} for messages: names joined by `/` (bytes that are not UTF-8 show as U+FFFD). */
export function formatNarPath(path: NarPath): string {
  return path.length === 0 ? "the root" : `'${path.map((name) => name.toString("utf8")).join("/")}'`;
}

/** What the parser reports, in order, for each node of the tree. */
export interface NarVisitor {
  /** A directory at `path`, before its entries. */
  directory(path: NarPath): void | Promise<void>;
  /** A regular file; `contents` yields its bytes in order (the parser skips what is not read). */
  file(path: NarPath, executable: boolean, size: number, contents: AsyncIterable<Uint8Array>): void | Promise<void>;
  /** A symbolic link, with its target as raw bytes. */
  symlink(path: NarPath, target: Buffer): void | Promise<void>;
}

/** The longest token other than file contents that the parser accepts (names, link targets). */
const MAX_TOKEN = 1 << 16;

/** Pulls exact byte counts out of a chunked source. */
class ByteReader {
  private buffered: Buffer[] = [];
  private available = 0;
  /** Bytes consumed so far, for error messages. */
  offset = 0;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  private async fill(wanted: number): Promise<void> {
    while (this.available < wanted) {
      const next = await this.source.next();
      if (next.done === true) throw new NarParseError(`NAR ends early (at byte ${this.offset + this.available}, while reading ${wanted} bytes)`);
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
      if (chunk.length > 0) {
        this.buffered.push(chunk);
        this.available += chunk.length;
      }
    }
  }

  /** Exactly `count` bytes. */
  async read(count: number): Promise<Buffer> {
    await this.fill(count);
    const joined = this.buffered.length === 1 ? (this.buffered[0] as Buffer) : Buffer.concat(this.buffered);
    const result = joined.subarray(0, count);
    const rest = joined.subarray(count);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.available = rest.length;
    this.offset += count;
    return result;
  }

  /** Up to `limit` bytes that are already buffered (or one more chunk). */
  async readSome(limit: number): Promise<Buffer> {
    await this.fill(1);
    return this.read(Math.min(limit, this.available));
  }

  /** Whether the source has nothing more. */
  async atEnd(): Promise<boolean> {
    if (this.available > 0) return false;
    const next = await this.source.next();
    if (next.done === true) return true;
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
    this.buffered.push(chunk);
    this.available += chunk.length;
    return chunk.length === 0 ? this.atEnd() : false;
  }
}

async function readLength(reader: ByteReader): Promise<number> {
  const bytes = await reader.read(8);
  const length = bytes.readBigUInt64LE(0);
  if (length > BigInt(Number.MAX_SAFE_INTEGER)) throw new NarParseError(`NAR string length ${length} at byte ${reader.offset - 8} is too large`);
  return Number(length);
}

async function readPadding(reader: ByteReader, length: number): Promise<void> {
  const padding = (8 - (length % 8)) % 8;
  if (padding === 0) return;
  const bytes = await reader.read(padding);
  if (bytes.some((byte) => byte !== 0)) throw new NarParseError(`NAR has non-zero padding at byte ${reader.offset - padding}`);
}

async function readBytes(reader: ByteReader): Promise<Buffer> {
  const length = await readLength(reader);
  if (length > MAX_TOKEN) throw new NarParseError(`NAR token of ${length} bytes at byte ${reader.offset - 8} is too long`);
  const bytes = Buffer.from(await reader.read(length));
  await readPadding(reader, length);
  return bytes;
}

async function readString(reader: ByteReader): Promise<string> {
  return (await readBytes(reader)).toString("utf8");
}

async function expect(reader: ByteReader, token: string): Promise<void> {
  const at = reader.offset;
  const found = await readString(reader);
  if (found !== token) throw new NarParseError(`NAR expected '${token}' at byte ${at}, found '${found.slice(0, 40)}'`);
}

/** A directory for messages. */
function describeDirectory(path: NarPath): string {
  return path.length === 0 ? "the root directory" : `directory ${formatNarPath(path)}`;
}

/** Refuses an entry name that could name something other than a new child of its directory. */
function checkName(name: Buffer, directory: NarPath): void {
  const text = name.toString("utf8");
  const where = describeDirectory(directory);
  if (name.length === 0) throw new NarParseError(`NAR entry in ${where} has an empty name`);
  if (text === "." || text === "..") throw new NarParseError(`NAR entry '${text}' in ${where} is not allowed`);
  if (name.includes(0x2f) || name.includes(0)) throw new NarParseError(`NAR entry name ${JSON.stringify(text)} in ${where} contains '/' or NUL`);
}

async function parseNode(reader: ByteReader, path: NarPath, visitor: NarVisitor): Promise<void> {
  await expect(reader, "(");
  await expect(reader, "type");
  const type = await readString(reader);
  if (type === "regular") {
    let next = await readString(reader);
    let executable = false;
    if (next === "executable") {
      await expect(reader, "");
      executable = true;
      next = await readString(reader);
    }
    if (next !== "contents") throw new NarParseError(`NAR expected 'contents' for ${formatNarPath(path)}, found '${next.slice(0, 40)}'`);
    const size = await readLength(reader);
    let consumed = 0;
    const contents: AsyncIterable<Uint8Array> = {
      async *[Symbol.asyncIterator]() {
        while (consumed < size) {
          const chunk = await reader.readSome(Math.min(size - consumed, 1 << 16));
          consumed += chunk.length;
          yield chunk;
        }
      },
    };
    await visitor.file(path, executable, size, contents);
    // Whatever the visitor did not read is skipped, so the stream stays in step.
    for await (const chunk of contents) void chunk;
    await readPadding(reader, size);
  } else if (type === "symlink") {
    await expect(reader, "target");
    const target = await readBytes(reader);
    await visitor.symlink(path, target);
  } else if (type === "directory") {
    await visitor.directory(path);
    let previous: Buffer | undefined;
    for (;;) {
      const at = reader.offset;
      const token = await readString(reader);
      if (token === ")") return;
      if (token !== "entry") throw new NarParseError(`NAR expected 'entry' or ')' at byte ${at}, found '${token.slice(0, 40)}'`);
      await expect(reader, "(");
      await expect(reader, "name");
      const name = await readBytes(reader);
      checkName(name, path);
      if (previous !== undefined) {
        const order = Buffer.compare(previous, name);
        const where = describeDirectory(path);
        if (order === 0) throw new NarParseError(`NAR ${where} has a duplicate entry '${name.toString("utf8")}'`);
        if (order > 0) throw new NarParseError(`NAR ${where} is not sorted ('${name.toString("utf8")}' after '${previous.toString("utf8")}')`);
      }
      previous = name;
      await expect(reader, "node");
      await parseNode(reader, [...path, name], visitor);
      await expect(reader, ")");
    }
  } else {
    throw new NarParseError(`NAR node ${formatNarPath(path)} has unknown type '${type.slice(0, 40)}'`);
  }
  await expect(reader, ")");
}

/** Anything the parser can read from: a whole NAR, its chunks, or a stream of them (a Node `Readable` is one). */
export type NarSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array;

function iteratorOf(source: NarSource): AsyncIterator<Uint8Array> {
  if (source instanceof Uint8Array) return (async function* () { yield source; })();
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const iterator = source[Symbol.iterator]();
  return { next: async () => iterator.next() };
}

async function parseWholeNar(reader: ByteReader, visitor: NarVisitor): Promise<void> {
  const magic = await readBytes(reader).catch((error: unknown) => {
    throw error instanceof NarParseError ? new NarParseError(`not a NAR: ${error.message}`) : error;
  });
  if (magic.toString("utf8") !== NAR_MAGIC) throw new NarParseError("not a NAR: it does not start with 'nix-archive-1'");
  await parseNode(reader, [], visitor);
}

/** Parses a whole NAR, reporting each node to `visitor`; trailing bytes are an error. */
export async function parseNar(source: NarSource, visitor: NarVisitor): Promise<void> {
  const reader = new ByteReader(iteratorOf(source));
  await parseWholeNar(reader, visitor);
  if (!(await reader.atEnd())) throw new NarParseError(`NAR has trailing data after byte ${reader.offset}`);
}

/**
 * A stream in which NARs lie among other framed data, as in Nix's export
 * format: numbers (8 bytes, little-endian), strings (framed as in a NAR)
 * and whole NARs are read in turn. A NAR carries no length of its own, so
 * the only way to find where it ends is to parse it.
 */
export class FramedNarStream {
  private readonly reader: ByteReader;

  constructor(source: NarSource) {
    this.reader = new ByteReader(iteratorOf(source));
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.reader.offset;
  }

  /** An unsigned 64-bit number (at most `Number.MAX_SAFE_INTEGER`). */
  async readNumber(): Promise<number> {
    return readLength(this.reader);
  }

  /** A framed UTF-8 string of at most 64 KiB. */
  async readString(): Promise<string> {
    return readString(this.reader);
  }

  /** One NAR, checked as {@link parseNar} checks it, each node reported to `visitor`. */
  async readNar(visitor: NarVisitor): Promise<void> {
    await parseWholeNar(this.reader, visitor);
  }

  /** Whether the stream has nothing more. */
  async atEnd(): Promise<boolean> {
    return this.reader.atEnd();
  }
}
