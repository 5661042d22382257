/**
 * Writing NARs (Nix ARchives): the canonical serialisation of a file tree
 * that Nix hashes to make content-addressed store paths.
 *
 * A NAR holds only what Nix considers content: file bytes, the owner's
 * executable bit, symlink targets, and directory entries in byte order of
 * their names. Every token is a string framed as an 8-byte little-endian
 * length, the bytes, and zero padding to a multiple of 8. Modes, owners and
 * times are left out, so a tree hashes the same wherever it lies.
 *
 * The tree is produced as a sequence of chunks, read lazily: a file's
 * contents are read 64 KiB at a time, so hashing a tree never holds it in
 * memory, and the same sequence serves hashing, writing and streaming.
 */
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from "node:fs";
import { Readable } from "node:stream";
import { NarDumpError } from "./nar-errors.js";

/** The magic string every NAR starts with. */
export const NAR_MAGIC = "nix-archive-1";

const CHUNK_SIZE = 1 << 16;
/** Reads into a shared buffer (see {@link NarWalkOptions.transient}) are this large: fewer calls into the file system and the hash. */
const TRANSIENT_CHUNK_SIZE = 1 << 20;
let transientBuffer: Buffer | undefined;

/** How {@link narChunks} walks a tree, besides producing its NAR. */
export interface NarWalkOptions {
  /**
   * Called with `null` at each node of the tree (a new file, symlink or
   * directory begins), then with a file's contents or a symlink's target,
   * chunk by chunk: what a reference scan reads, so that it can run in the
   * same pass as hashing (as Nix scans while it dumps the NAR into the hash).
   */
  readonly onContents?: (chunk: Uint8Array | null) => void;
  /**
   * The caller is done with each chunk before it asks for the next (it
   * hashes them): file contents are then read into one shared buffer, 1 MiB
   * at a time, rather than each into a fresh one.
   */
  readonly transient?: boolean;
}
const ZEROS = new Uint8Array(8);
const SLASH = Buffer.from("/");

function lengthPrefix(length: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(length), true);
  return bytes;
}

/** The chunks of one framed NAR string. */
function* narString(text: string | Uint8Array): Generator<Uint8Array> {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  yield lengthPrefix(bytes.length);
  if (bytes.length > 0) yield bytes;
  const padding = (8 - (bytes.length % 8)) % 8;
  if (padding > 0) yield ZEROS.subarray(0, padding);
}

function* tokens(...texts: (string | Uint8Array)[]): Generator<Uint8Array> {
  for (const text of texts) yield* narString(text);
}

/** A file's contents as a framed NAR string, read in chunks. */
function* fileContents(path: Buffer, size: number, options: NarWalkOptions): Generator<Uint8Array> {
  yield lengthPrefix(size);
  const fd = openSync(path, "r");
  try {
    let remaining = size;
    while (remaining > 0) {
      // A fresh buffer per chunk unless the caller said otherwise: consumers may keep chunks (streams do).
      const buffer = options.transient === true ? (transientBuffer ??= Buffer.allocUnsafe(TRANSIENT_CHUNK_SIZE)) : Buffer.allocUnsafe(Math.min(CHUNK_SIZE, remaining));
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, remaining), null);
      if (read === 0) throw new NarDumpError(`file '${display(path)}' shrank while it was being read`);
      remaining -= read;
      const chunk = buffer.subarray(0, read);
      options.onContents?.(chunk);
      yield chunk;
    }
  } finally {
    closeSync(fd);
  }
  const padding = (8 - (size % 8)) % 8;
  if (padding > 0) yield ZEROS.subarray(0, padding);
}

/** A path for messages; a name that is not UTF-8 shows with replacement characters. */
function display(path: Buffer): string {
  return path.toString("utf8");
}

function* node(path: Buffer, options: NarWalkOptions): Generator<Uint8Array> {
  options.onContents?.(null);
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    throw new NarDumpError(`cannot read '${display(path)}': ${(error as Error).message}`);
  }
  yield* tokens("(", "type");
  if (stats.isSymbolicLink()) {
    const target = readlinkSync(path, { encoding: "buffer" });
    options.onContents?.(target);
    yield* tokens("symlink", "target", target);
  } else if (stats.isFile()) {
    yield* tokens("regular");
    // Nix keeps only the owner's executable bit (`st_mode & S_IXUSR`); group and other x bits do not count.
    if ((stats.mode & 0o100) !== 0) yield* tokens("executable", "");
    yield* tokens("contents");
    yield* fileContents(path, stats.size, options);
  } else if (stats.isDirectory()) {
    yield* tokens("directory");
    // Names are read and sorted as raw bytes, as Nix sorts them; a name need not be UTF-8,
    // so paths stay Buffers all the way down rather than passing through JavaScript strings.
    const names = readdirSync(path, { encoding: "buffer" }).sort(Buffer.compare);
    for (const name of names) {
      yield* tokens("entry", "(", "name", name, "node");
      yield* node(Buffer.concat([path, SLASH, name]), options);
      yield* tokens(")");
    }
  } else {
    throw new NarDumpError(`'${display(path)}' has an unsupported file type (only regular files, directories and symlinks can be in a NAR)`);
  }
  yield* tokens(")");
}

/**
 * The NAR of the file, directory or symlink at `path`, as lazily read chunks
 * (`nix-store --dump`). A symlink at `path` is archived as a symlink, not followed.
 * `path` may be a Buffer to name a file whose name is not UTF-8.
 */
export function* narChunks(path: string | Buffer, options: NarWalkOptions = {}): Generator<Uint8Array> {
  yield* tokens(NAR_MAGIC);
  yield* node(typeof path === "string" ? Buffer.from(path, "utf8") : path, options);
}

/** The NAR of a single regular file holding `text` (what a text file in the store serialises to). */
export function* narChunksOfText(text: string | Uint8Array, executable = false): Generator<Uint8Array> {
  yield* tokens(NAR_MAGIC, "(", "type", "regular");
  if (executable) yield* tokens("executable", "");
  yield* tokens("contents", text, ")");
}

/** Writes the NAR of `path` through `write`, chunk by chunk. */
export function writeNarOfPath(path: string | Buffer, write: (chunk: Uint8Array) => void): void {
  for (const chunk of narChunks(path)) write(chunk);
}

/** Writes the NAR of a regular file holding `text` through `write`. */
export function writeNarOfText(text: string | Uint8Array, write: (chunk: Uint8Array) => void): void {
  for (const chunk of narChunksOfText(text)) write(chunk);
}

/** The NAR of `path` as a readable stream, as `nix-store --dump` writes it. */
export function narStream(path: string | Buffer): Readable {
  return Readable.from(narChunks(path), { objectMode: false });
}
