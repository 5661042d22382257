/**
 * Hashing file trees the way Nix does: the hash of their NAR (`nix-hash`,
 * recursive ingestion) or, for a single file, of its bytes (`--flat`).
 * Both stream, so a tree of any size is hashed in constant memory.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { setImmediate } from "node:timers/promises";
import { Hash, type HashAlgorithm } from "./hash.js";
import { narChunks, narChunksOfText, type NarWalkOptions } from "./nar-writer.js";

/** A NAR hash and the NAR's size in bytes. */
export interface NarHashResult {
  readonly hash: Hash;
  readonly narSize: number;
}

/** The hash and size of a NAR given as chunks. */
function hashNarChunks(chunks: Iterable<Uint8Array>, algorithm: HashAlgorithm): NarHashResult {
  const hasher = createHash(algorithm);
  let narSize = 0;
  for (const chunk of chunks) {
    hasher.update(chunk);
    narSize += chunk.length;
  }
  return { hash: new Hash(algorithm, hasher.digest()), narSize };
}

/**
 * The NAR hash and size of `path`, computed synchronously. `onContents`
 * sees the files' contents and symlinks' targets as they are hashed (see
 * {@link NarWalkOptions.onContents}), for a reference scan in the same pass.
 */
export function hashPathSync(path: string | Buffer, algorithm: HashAlgorithm = "sha256", onContents?: NarWalkOptions["onContents"]): NarHashResult {
  return hashNarChunks(narChunks(path, { transient: true, ...(onContents !== undefined ? { onContents } : {}) }), algorithm);
}

/** The NAR of a regular file up to its contents' length, and after its contents' padding: the same for every such file. */
let textFrame: { readonly head: Buffer; readonly tail: Buffer } | undefined;

/**
 * The NAR hash and size of a regular file holding `text`, without the file: what {@link hashPathSync} gives for it.
 * Hashed as the fixed frame around the text's length and bytes (the same bytes as `narChunksOfText`), with a few
 * calls into the hash rather than one per NAR token: `kiln build` hashes every `.drv` of a graph so.
 */
export function hashTextSync(text: string | Uint8Array, algorithm: HashAlgorithm = "sha256"): NarHashResult {
  textFrame ??= textNarFrame();
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(bytes.length));
  const padding = (8 - (bytes.length % 8)) % 8;
  const hasher = createHash(algorithm).update(textFrame.head).update(length).update(bytes);
  if (padding > 0) hasher.update(Buffer.alloc(padding));
  hasher.update(textFrame.tail);
  const narSize = textFrame.head.length + 8 + bytes.length + padding + textFrame.tail.length;
  return { hash: new Hash(algorithm, hasher.digest()), narSize };
}

/**
 * Cuts the NAR of an empty file around its contents: the contents are a zero length (8 bytes) and nothing else,
 * and after them comes the closing token, `)` framed (an 8-byte length, the byte, 7 bytes of padding).
 */
function textNarFrame(): { head: Buffer; tail: Buffer } {
  const empty = Buffer.concat([...narChunksOfText("")]);
  const tailLength = 16;
  return { head: empty.subarray(0, empty.length - 8 - tailLength), tail: empty.subarray(empty.length - tailLength) };
}

/**
 * The NAR hash and size of `path`, letting other work run between chunks.
 * It walks the tree with the same chunk generator as {@link hashPathSync}, so
 * the two cannot disagree; each read is a small synchronous 64 KiB read, and
 * every 4 MiB it yields to the event loop so a big tree does not starve it.
 */
export async function hashPath(path: string | Buffer, algorithm: HashAlgorithm = "sha256"): Promise<NarHashResult> {
  const hasher = createHash(algorithm);
  let narSize = 0;
  let sinceYield = 0;
  for (const chunk of narChunks(path, { transient: true })) {
    hasher.update(chunk);
    narSize += chunk.length;
    sinceYield += chunk.length;
    if (sinceYield >= 1 << 22) {
      sinceYield = 0;
      await setImmediate();
    }
  }
  return { hash: new Hash(algorithm, hasher.digest()), narSize };
}

const FILE_CHUNK_SIZE = 1 << 16;

/** The hash of a file's bytes (`nix-hash --flat`); a symlink is followed, as Nix follows it. */
export function hashFileSync(path: string | Buffer, algorithm: HashAlgorithm = "sha256"): Hash {
  const hasher = createHash(algorithm);
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(FILE_CHUNK_SIZE);
    let read: number;
    while ((read = readSync(fd, buffer, 0, buffer.length, null)) > 0) hasher.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return new Hash(algorithm, hasher.digest());
}

/** The hash of a file's bytes (`nix-hash --flat`), read without blocking; a symlink is followed, as Nix follows it. */
export async function hashFile(path: string | Buffer, algorithm: HashAlgorithm = "sha256"): Promise<Hash> {
  const hasher = createHash(algorithm);
  const file = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(FILE_CHUNK_SIZE);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hasher.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return new Hash(algorithm, hasher.digest());
}
