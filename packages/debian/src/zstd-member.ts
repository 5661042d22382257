/**
 * Zstandard-compressed members of a `.deb` (`data.tar.zst`,
 * `control.tar.zst`), which Ubuntu's and newer `dpkg-deb`s write. Kiln's
 * own tar readers handle xz, gzip and bzip2; zstd is decoded by `fzstd`, a
 * maintained pure-JavaScript decoder (no native build, as the rest of Kiln),
 * into a plain tar that Kiln's safe unpacker then reads like any other, so
 * the same rules (no paths outside the tree, no links out of it) apply.
 */
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import type { Decompress as ZstdDecompress } from "fzstd";
import { DebianArchiveError } from "./debian-errors.js";

/** The magic number that starts a zstd frame. */
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;

/** Input is handed to the decoder in pieces of this size, so output is written as it comes. */
const CHUNK = 1 << 20;

/** fzstd, loaded when a member is first decoded: every command that evaluates a config loads this package, few unpack a `.deb`. */
let loadedDecompress: typeof ZstdDecompress | undefined;
function zstdDecoder(): typeof ZstdDecompress {
  loadedDecompress ??= (createRequire(import.meta.url)("fzstd") as { Decompress: typeof ZstdDecompress }).Decompress;
  return loadedDecompress;
}

/** Whether `bytes` start a zstd frame. */
export function isZstd(bytes: Uint8Array): boolean {
  return ZSTD_MAGIC.every((byte, i) => bytes[i] === byte);
}

/**
 * Decompresses the zstd stream `data` (the member `member` of `debFile`)
 * into the new file `destination`.
 *
 * @throws DebianArchiveError for data that is not a complete, valid zstd
 *   stream; `destination` is removed then.
 */
export function writeZstdDecompressed(data: Uint8Array, destination: string, debFile: string, member: string): void {
  const fd = openSync(destination, "wx", 0o600);
  let written = 0;
  let finished = false;
  try {
    const Decompress = zstdDecoder();
    const decoder = new Decompress((chunk, final) => {
      writeSync(fd, chunk);
      written += chunk.length;
      if (final === true) finished = true;
    });
    for (let offset = 0; offset < data.length; offset += CHUNK) decoder.push(data.subarray(offset, Math.min(offset + CHUNK, data.length)), offset + CHUNK >= data.length);
    if (!finished) throw new Error("the stream ends before its last frame does");
  } catch (error) {
    closeSync(fd);
    rmSync(destination, { force: true });
    throw new DebianArchiveError(`'${debFile}': its member '${member}' is not a valid zstd stream (${error instanceof Error ? error.message : String(error)}, after ${written} bytes of output)`);
  }
  closeSync(fd);
}
