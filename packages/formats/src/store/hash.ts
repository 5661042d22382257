/**
 * Cryptographic hashes as Nix names and prints them.
 *
 * Nix writes one hash four ways: base16 (hex), Nix base32, base64, and SRI
 * (`sha256-<base64>`), optionally prefixed by the algorithm (`sha256:<...>`).
 * A bare string without an algorithm is read by its length, which is why the
 * algorithm must come from elsewhere in that case.
 */
import * as crypto from "node:crypto";
import { KilnError } from "../errors.js";
import { decodeNixBase32, encodeNixBase32, nixBase32Length, NixBase32Error } from "./nix-base32.js";

/** The hash algorithms Nix knows. `md5` is kept for old fixed-output derivations. */
export type HashAlgorithm = "md5" | "sha1" | "sha256" | "sha512";

/** The ways Nix can print a hash. */
export type HashFormat = "base16" | "nix32" | "base64" | "sri";

const BYTE_LENGTH: Record<HashAlgorithm, number> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };

/** Every algorithm Kiln can compute. */
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ["md5", "sha1", "sha256", "sha512"];

/** A hash string that cannot be read, or does not fit what was asked. */
export class HashParseError extends KilnError {
  override name = "HashParseError";
}

/** Whether `name` is an algorithm Kiln knows. */
export function isHashAlgorithm(name: string): name is HashAlgorithm {
  return Object.hasOwn(BYTE_LENGTH, name);
}

/** Reads an algorithm name, or says which names are valid. */
export function parseHashAlgorithm(name: string): HashAlgorithm {
  if (!isHashAlgorithm(name)) {
    throw new HashParseError(`unknown hash algorithm '${name}' (expected one of ${HASH_ALGORITHMS.join(", ")})`);
  }
  return name;
}

/** The digest length of `algorithm` in bytes. */
export function hashByteLength(algorithm: HashAlgorithm): number {
  return BYTE_LENGTH[algorithm];
}

const HEX = /^[0-9a-fA-F]*$/;

/** Makes a hash from hex this module computed itself (lowercase, of the right length), without checking it again. */
let fromComputedHex: (algorithm: HashAlgorithm, hex: string) => Hash;

/** A digest together with the algorithm that made it. */
export class Hash {
  /** The algorithm that made this digest. */
  readonly algorithm: HashAlgorithm;
  // A hash is held as bytes or as hex, whichever it was made from, and the other is derived when first asked:
  // most hashes Kiln computes (hashes modulo, `.drv` texts) are only ever printed in hex.
  private digest: Uint8Array | undefined;
  private hex: string | undefined;

  constructor(algorithm: HashAlgorithm, bytes: Uint8Array) {
    if (bytes.length !== BYTE_LENGTH[algorithm]) {
      throw new HashParseError(`a ${algorithm} hash has ${BYTE_LENGTH[algorithm]} bytes, not ${bytes.length}`);
    }
    this.algorithm = algorithm;
    this.digest = bytes;
  }

  /** A hash from its lowercase hex digest, as `crypto.hash(…, "hex")` returns it. */
  static fromBase16(algorithm: HashAlgorithm, hex: string): Hash {
    if (hex.length !== BYTE_LENGTH[algorithm] * 2) {
      throw new HashParseError(`a ${algorithm} hash has ${BYTE_LENGTH[algorithm] * 2} hex digits, not ${hex.length}`);
    }
    if (!HEX.test(hex)) throw new HashParseError(`invalid base-16 hash '${hex}'`);
    return fromComputedHex(algorithm, hex.toLowerCase());
  }

  static {
    fromComputedHex = (algorithm, hex) => {
      const hash = Object.create(Hash.prototype) as Hash;
      (hash as { algorithm: HashAlgorithm }).algorithm = algorithm;
      hash.digest = undefined;
      hash.hex = hex;
      return hash;
    };
  }

  /** The raw digest bytes. */
  get bytes(): Uint8Array {
    this.digest ??= new Uint8Array(Buffer.from(this.hex ?? "", "hex"));
    return this.digest;
  }

  /** Lowercase hex, as `nix-hash --type ALGO` prints. */
  toBase16(): string {
    // Hashes modulo are printed once for every dependent; compute the hex once.
    this.hex ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length).toString("hex");
    return this.hex;
  }

  /** Nix base32, as in store paths and `nix-hash --base32`. */
  toNixBase32(): string {
    return encodeNixBase32(this.bytes);
  }

  /** Standard base64 with padding. */
  toBase64(): string {
    const bytes = this.bytes;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
  }

  /** Subresource-integrity form, `sha256-<base64>`, as nixpkgs' `hash` attributes use. */
  toSri(): string {
    return `${this.algorithm}-${this.toBase64()}`;
  }

  /** The hash in `format`; with `withAlgorithm`, base16/nix32/base64 get an `algo:` prefix (SRI always has one). */
  format(format: HashFormat, withAlgorithm = false): string {
    if (format === "sri") return this.toSri();
    const text = format === "base16" ? this.toBase16() : format === "nix32" ? this.toNixBase32() : this.toBase64();
    return withAlgorithm ? `${this.algorithm}:${text}` : text;
  }

  /** Whether both hashes have the same algorithm and digest. */
  equals(other: Hash): boolean {
    return this.algorithm === other.algorithm && (this.hex !== undefined && other.hex !== undefined ? this.hex === other.hex : Buffer.compare(this.bytes, other.bytes) === 0);
  }

  /** The SRI form, so a hash prints the way users paste it. */
  toString(): string {
    return this.toSri();
  }
}

type OneShotHash = (algorithm: string, data: string | Uint8Array, outputEncoding: "hex" | "latin1") => string;

// Node ≥ 20.12 has a one-shot `crypto.hash`, several times cheaper for the small inputs Kiln hashes by the thousand,
// and cheaper still with a string result: a Buffer result costs an ArrayBuffer per hash, which the GC must track.
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/** The digest of `data` (a string as UTF-8, or bytes) in lowercase hex. */
export function hashToBase16(algorithm: HashAlgorithm, data: string | Uint8Array): string {
  return oneShot !== undefined ? oneShot(algorithm, data, "hex") : crypto.createHash(algorithm).update(data).digest("hex");
}

/** The digest of `data` as a Latin-1 string, one character per byte: the cheapest form to read bytes from. */
export function hashToLatin1(algorithm: HashAlgorithm, data: string | Uint8Array): string {
  return oneShot !== undefined ? oneShot(algorithm, data, "latin1") : crypto.createHash(algorithm).update(data).digest().toString("latin1");
}

/** Hashes a string (as UTF-8) or bytes. */
export function hashString(algorithm: HashAlgorithm, data: string | Uint8Array): Hash {
  return fromComputedHex(algorithm, hashToBase16(algorithm, data));
}

/** The all-zero hash Nix uses when a fixed-output hash is given as `""`. */
export function zeroHash(algorithm: HashAlgorithm): Hash {
  return new Hash(algorithm, new Uint8Array(BYTE_LENGTH[algorithm]));
}

/**
 * Folds a hash to `size` bytes by XOR-ing byte i into position i mod size,
 * as Nix does to fit a sha256 into the 160 bits of a store path.
 */
export function compressHash(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < bytes.length; i++) out[i % size] = (out[i % size] ?? 0) ^ (bytes[i] ?? 0);
  return out;
}

function decodeBase64Strict(text: string, algorithm: HashAlgorithm, original: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new HashParseError(`invalid base64 in ${algorithm} hash '${original}'`);
  }
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== BYTE_LENGTH[algorithm]) {
    throw new HashParseError(`hash '${original}' has wrong length for hash type '${algorithm}'`);
  }
  // The last digit before the padding carries bits beyond the hash, which must be zero: otherwise several texts
  // would stand for one hash, and Kiln would report the hash in a form other than the one written (a typo, likely).
  const digits = text.replace(/=+$/, "");
  if (bytes.toString("base64").replace(/=+$/, "") !== digits) {
    throw new HashParseError(
      `invalid base64 in ${algorithm} hash '${original}': its last digit '${digits.slice(-1)}' sets bits beyond the ${bytes.length} bytes of a ${algorithm} hash, so it is no ${algorithm} hash's base64 (a mistyped character?)`,
    );
  }
  return new Uint8Array(bytes);
}

/** Reads the part after the algorithm, choosing the encoding by its length as Nix does. */
function decodeDigest(rest: string, algorithm: HashAlgorithm, isSri: boolean, original: string): Hash {
  const size = BYTE_LENGTH[algorithm];
  if (isSri) return new Hash(algorithm, decodeBase64Strict(rest, algorithm, original));
  if (rest.length === size * 2) {
    if (!/^[0-9a-fA-F]*$/.test(rest)) throw new HashParseError(`invalid base-16 hash '${original}'`);
    return new Hash(algorithm, new Uint8Array(Buffer.from(rest, "hex")));
  }
  if (rest.length === nixBase32Length(size)) {
    try {
      return new Hash(algorithm, decodeNixBase32(rest));
    } catch (error) {
      // Nix's words, and then why.
      if (error instanceof NixBase32Error) throw new HashParseError(`invalid base-32 hash '${original}': ${error.reason}`);
      throw error;
    }
  }
  if (rest.length === Math.ceil(size / 3) * 4) return new Hash(algorithm, decodeBase64Strict(rest, algorithm, original));
  throw new HashParseError(`hash '${original}' has wrong length for hash type '${algorithm}'`);
}

/**
 * Reads a hash in any form Nix accepts: `algo:digest`, SRI `algo-base64`, or a
 * bare digest in base16, Nix base32 or base64 when `algorithm` says which
 * algorithm it is. A prefix that disagrees with `algorithm` is an error.
 */
export function parseHash(text: string, algorithm?: HashAlgorithm): Hash {
  const colon = text.indexOf(":");
  const dash = text.indexOf("-");
  let prefix: string | undefined;
  let rest = text;
  let isSri = false;
  if (colon >= 0) {
    prefix = text.slice(0, colon);
    rest = text.slice(colon + 1);
  } else if (dash >= 0) {
    prefix = text.slice(0, dash);
    rest = text.slice(dash + 1);
    isSri = true;
  }
  if (prefix === undefined) {
    if (algorithm === undefined) {
      throw new HashParseError(`hash '${text}' does not include a type, nor is the type otherwise known from context`);
    }
    return decodeDigest(text, algorithm, false, text);
  }
  const prefixed = parseHashAlgorithm(prefix);
  if (algorithm !== undefined && prefixed !== algorithm) {
    throw new HashParseError(`hash '${text}' should have type '${algorithm}'`);
  }
  return decodeDigest(rest, prefixed, isSri, text);
}

/**
 * Like {@link parseHash}, but `""` means the all-zero hash of `algorithm`, as
 * Nix allows for a fixed-output derivation whose hash is not yet known.
 */
export function parseHashAllowEmpty(text: string, algorithm?: HashAlgorithm): Hash {
  if (text === "") {
    if (algorithm === undefined) throw new HashParseError("empty hash requires explicit hash type");
    return zeroHash(algorithm);
  }
  return parseHash(text, algorithm);
}
