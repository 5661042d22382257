/**
 * Finding a build output's references: which of the candidate store paths
 * (the build's inputs and its own outputs) its files mention.
 *
 * As Nix does, the scan looks for the 32-character hash parts of the
 * candidates in every file's bytes and symlink targets. A hash part is 160
 * bits, so finding one means the output really refers to that path. Only
 * runs of Nix base32 characters at least 32 long can hold a hash part, so
 * the scan skips everything else quickly.
 */
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from "node:fs";
import { join } from "node:path";
import { NIX_BASE32_ALPHABET, STORE_PATH_HASH_LENGTH } from "@kiln/formats";

const IS_BASE32 = new Uint8Array(256);
for (const character of NIX_BASE32_ALPHABET) IS_BASE32[character.charCodeAt(0)] = 1;

/**
 * Accumulates hash parts found across chunks of a stream (a hash may
 * straddle two chunks); {@link reset} starts a new file. Fed by
 * {@link scanForHashParts}, or by a NAR hash's walk (`hashPathSync`'s
 * `onContents`), which reads each file once for both.
 */
export class HashPartScanner {
  /** The last bytes of the previous chunk, which may begin a hash part that this one continues. */
  private carry = Buffer.alloc(0);
  readonly found = new Set<string>();

  constructor(private readonly candidates: { has(hashPart: string): boolean }) {}

  /** Scans the next chunk of the current file; `null` starts a new file, as {@link reset}. */
  feed(chunk: Uint8Array | null): void {
    if (chunk === null) return this.reset();
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const tail = STORE_PATH_HASH_LENGTH - 1;
    if (this.carry.length > 0 && data.length >= tail) {
      // The hash parts that start in the carry end within the chunk's first bytes: only those are joined, not the whole chunk.
      const joined = Buffer.concat([this.carry, data.subarray(0, tail)]);
      this.scan(joined, this.carry.length);
      this.carry = Buffer.alloc(0);
    }
    const whole = this.carry.length > 0 ? Buffer.concat([this.carry, data]) : data;
    const at = this.scan(whole, whole.length);
    // Keep the tail that could begin a hash part continued in the next chunk.
    this.carry = Buffer.from(whole.subarray(Math.max(at, whole.length - tail)));
  }

  /** Records the candidates among the windows of `data` that start before `starts`; returns where scanning stopped. */
  private scan(data: Buffer, starts: number): number {
    const length = STORE_PATH_HASH_LENGTH;
    // As Nix's scanner: look at the last byte of each window first; a byte that cannot be in a hash part
    // rules out every window containing it, so most of a binary file is passed over 32 bytes at a time.
    let at = 0;
    while (at < starts && at + length <= data.length) {
      let bad = -1;
      for (let j = length - 1; j >= 0; j--) {
        if (IS_BASE32[data[at + j] as number] !== 1) {
          bad = j;
          break;
        }
      }
      if (bad >= 0) {
        at += bad + 1;
        continue;
      }
      const hashPart = data.toString("latin1", at, at + length);
      if (this.candidates.has(hashPart)) this.found.add(hashPart);
      at++;
    }
    return at;
  }

  /** Starts a new file: a hash part cannot span two files. */
  reset(): void {
    this.carry = Buffer.alloc(0);
  }
}

function scanTree(path: string, scanner: HashPartScanner, buffer: Buffer): void {
  const stats = lstatSync(path);
  scanner.reset();
  if (stats.isSymbolicLink()) {
    scanner.feed(readlinkSync(path, { encoding: "buffer" }));
  } else if (stats.isDirectory()) {
    for (const entry of readdirSync(path)) scanTree(join(path, entry), scanner, buffer);
  } else if (stats.isFile()) {
    const fd = openSync(path, "r");
    try {
      let read: number;
      while ((read = readSync(fd, buffer, 0, buffer.length, null)) > 0) scanner.feed(buffer.subarray(0, read));
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * The store paths among `candidates` whose hash parts occur in the files
 * under `path`. `storeDir` is needed to find each candidate's hash part.
 */
export function scanForReferences(path: string, candidates: Iterable<string>, storeDir: string): Set<string> {
  const byHashPart = new Map<string, string>();
  for (const candidate of candidates) byHashPart.set(candidate.slice(storeDir.length + 1, storeDir.length + 1 + STORE_PATH_HASH_LENGTH), candidate);
  return scanForHashParts(path, byHashPart);
}

/** Hash part to store path: a map, or anything that looks up like one. */
export interface HashPartLookup {
  has(hashPart: string): boolean;
  get(hashPart: string): string | undefined;
}

/** The paths of `byHashPart` whose hash parts occur in the files under `path`. */
export function scanForHashParts(path: string, byHashPart: HashPartLookup): Set<string> {
  const scanner = new HashPartScanner(byHashPart);
  scanTree(path, scanner, Buffer.alloc(1 << 16));
  return new Set([...scanner.found].map((hashPart) => byHashPart.get(hashPart) as string));
}
