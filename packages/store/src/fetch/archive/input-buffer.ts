/**
 * Compressed input for the bzip2 and xz decoders, read as it is needed rather
 * than whole: the decoders address it by absolute offset, and it holds only
 * the bytes from the last point they released onwards, so a decoder takes
 * memory bounded by what it looks at at once (a block header, an LZMA2 chunk
 * of at most 64 KiB, an index) rather than by the archive's size. xz-utils
 * and libbzip2 read their input the same way, through a fixed buffer.
 */
import { closeSync, openSync, readSync } from "node:fs";

/** Where the decoders' input comes from: all of it at once, or pieces in order. */
export type CompressedInput = Uint8Array | Iterable<Uint8Array>;

const READ_CHUNK = 1 << 20;

/** Compressed bytes by absolute offset, pulled from their pieces as asked for. */
export class InputBuffer {
  readonly #pieces: Iterator<Uint8Array>;
  /** The bytes held, which start at offset {@link #base}. */
  #buffer: Buffer = Buffer.alloc(0);
  #base = 0;
  #ended = false;

  constructor(input: CompressedInput) {
    this.#pieces = (input instanceof Uint8Array ? [input] : input)[Symbol.iterator]();
  }

  /** Whether the bytes up to (not including) `end` exist, reading until they are held or the input ends. */
  has(end: number): boolean {
    while (this.#base + this.#buffer.length < end && !this.#ended) {
      const next = this.#pieces.next();
      if (next.done === true) {
        this.#ended = true;
        break;
      }
      if (next.value.length === 0) continue;
      const piece = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      this.#buffer = this.#buffer.length === 0 ? piece : Buffer.concat([this.#buffer, piece]);
    }
    return this.#base + this.#buffer.length >= end;
  }

  /** The byte at `at`, or `undefined` past the end of input. */
  byte(at: number): number | undefined {
    if (!this.has(at + 1)) return undefined;
    return this.#buffer[at - this.#base];
  }

  /** Up to `length` bytes from `at` (fewer at the end of input); valid until the next {@link release}. */
  bytes(at: number, length: number): Buffer {
    this.has(at + length);
    const start = at - this.#base;
    if (start < 0) throw new RangeError(`offset ${at} was released already`);
    return this.#buffer.subarray(start, start + length);
  }

  /** Stops reading: the pieces' source (a file, say) is closed if it was not read to its end. */
  close(): void {
    this.#buffer = Buffer.alloc(0);
    if (!this.#ended) {
      this.#ended = true;
      this.#pieces.return?.();
    }
  }

  /** Lets go of every byte before `at`: the decoder will not ask for them again. */
  release(at: number): void {
    const drop = Math.min(at - this.#base, this.#buffer.length);
    if (drop <= 0) return;
    // A view: the piece it is part of is freed once the next piece is joined to what is left (a copy of that much).
    this.#buffer = this.#buffer.subarray(drop);
    this.#base += drop;
  }
}

/** A file's bytes in pieces of 1 MiB, read synchronously as they are asked for (the decoders are synchronous). */
export function* fileRange(fd: number, offset = 0, length = Number.POSITIVE_INFINITY): Generator<Buffer, void, undefined> {
  for (let done = 0; done < length; ) {
    const piece = Buffer.allocUnsafe(Math.min(READ_CHUNK, length - done));
    const got = readSync(fd, piece, 0, piece.length, offset + done);
    if (got === 0) return;
    done += got;
    yield piece.subarray(0, got);
  }
}

/** The bytes of the file at `path`, in pieces; the file is closed when they have all been read or the reader stops. */
export function* fileChunks(path: string): Generator<Buffer, void, undefined> {
  const fd = openSync(path, "r");
  try {
    yield* fileRange(fd);
  } finally {
    closeSync(fd);
  }
}
