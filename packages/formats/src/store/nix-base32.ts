/**
 * Nix's base32: the encoding of hashes in store paths.
 *
 * It is not RFC 4648 base32. The alphabet omits `e`, `o`, `u` and `t` (so that
 * store paths never spell words), and the digits are read from the end of the
 * byte string: the first character encodes the highest bits of the last byte.
 */
import { KilnError } from "../errors.js";

/** The 32 characters of Nix's base32 alphabet, in digit order. */
export const NIX_BASE32_ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

const DIGIT_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < NIX_BASE32_ALPHABET.length; i++) DIGIT_OF[NIX_BASE32_ALPHABET.charCodeAt(i)] = i;

/** A string that is not valid Nix base32 for the expected length. */
export class NixBase32Error extends KilnError {
  override name = "NixBase32Error";

  constructor(
    text: string,
    /** What is wrong, without the text itself (`'e' is not in its alphabet`). */
    readonly reason: string,
  ) {
    super(`'${text}' is not Nix base32: ${reason}`);
  }
}

/** The length of the Nix base32 encoding of `byteLength` bytes. */
export function nixBase32Length(byteLength: number): number {
  return Math.ceil((byteLength * 8) / 5);
}

const ALPHABET_CODES = Uint8Array.from(NIX_BASE32_ALPHABET, (character) => character.charCodeAt(0));

/**
 * Where encodings of up to 64 characters are spelled before they become one string: every store path Kiln makes
 * is encoded here, and one native call reading the digits as Latin-1 is cheaper than a string grown one digit at a time.
 */
const SCRATCH = Buffer.alloc(64);

/** Encodes bytes in Nix base32. */
export function encodeNixBase32(bytes: Uint8Array): string {
  const length = nixBase32Length(bytes.length);
  const out = length <= SCRATCH.length ? SCRATCH : Buffer.alloc(length);
  writeNixBase32(bytes, out, 0);
  return out.toString("latin1", 0, length);
}

/** Writes the Nix base32 digits of `bytes` (as ASCII codes) into `target` from index `at`; returns the index after them. */
export function writeNixBase32(bytes: Uint8Array, target: Uint8Array, at: number): number {
  const length = nixBase32Length(bytes.length);
  for (let n = length - 1; n >= 0; n--) {
    const bit = n * 5;
    const i = bit >> 3;
    const j = bit & 7;
    const low = (bytes[i] ?? 0) >> j;
    const high = i + 1 < bytes.length ? (bytes[i + 1] ?? 0) << (8 - j) : 0;
    target[at + length - 1 - n] = ALPHABET_CODES[(low | high) & 0x1f] ?? 0;
  }
  return at + length;
}

/** Whether every character of `text` is in the Nix base32 alphabet. */
export function isNixBase32(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || DIGIT_OF[code] === -1) return false;
  }
  return true;
}

/**
 * Decodes Nix base32 into bytes. The byte length follows from the text's
 * length; bits that would fall past the last byte must be zero, as Nix checks.
 */
export function decodeNixBase32(text: string): Uint8Array {
  const byteLength = Math.floor((text.length * 5) / 8);
  if (nixBase32Length(byteLength) !== text.length) {
    throw new NixBase32Error(text, `it has a length (${text.length}) that no Nix base32 string has`);
  }
  const bytes = new Uint8Array(byteLength);
  for (let position = 0; position < text.length; position++) {
    const code = text.charCodeAt(text.length - position - 1);
    const digit = code < 128 ? (DIGIT_OF[code] ?? -1) : -1;
    if (digit < 0) {
      throw new NixBase32Error(text, `'${text[text.length - position - 1]}' is not in its alphabet (${NIX_BASE32_ALPHABET})`);
    }
    const bit = position * 5;
    const i = bit >> 3;
    const j = bit & 7;
    bytes[i] = (bytes[i] ?? 0) | ((digit << j) & 0xff);
    const carry = digit >> (8 - j);
    if (i + 1 < byteLength) {
      bytes[i + 1] = (bytes[i + 1] ?? 0) | carry;
    } else if (carry !== 0) {
      throw new NixBase32Error(text, `it has bits set past its last byte (its first digit '${text[0]}' is too large; a mistyped character?)`);
    }
  }
  return bytes;
}
