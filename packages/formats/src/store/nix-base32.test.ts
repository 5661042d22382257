import { describe, expect, it } from "vitest";
import { readFixture } from "../../test/conformance-fixtures.js";
import { decodeNixBase32, encodeNixBase32, isNixBase32, NIX_BASE32_ALPHABET, nixBase32Length, NixBase32Error } from "./nix-base32.js";

interface Sample {
  readonly size: number;
  readonly base16: string;
  readonly base32: string;
}

const { samples } = readFixture<{ samples: Sample[] }>("base32.json");
const bytesOf = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, "hex"));
const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("Nix base32 matches nix-hash --to-base32 on every base32.json sample", () => {
  it("the fixture has samples of every hash size", () => {
    expect(new Set(samples.map((sample) => sample.size))).toEqual(new Set([16, 20, 32, 64]));
  });

  it.each(samples.map((sample, index) => [index, sample.size, sample] as const))("sample %i (%i bytes) encodes to Nix's text", (_index, _size, sample) => {
    expect(encodeNixBase32(bytesOf(sample.base16))).toBe(sample.base32);
  });

  it.each(samples.map((sample, index) => [index, sample.size, sample] as const))("sample %i (%i bytes) decodes to its bytes", (_index, _size, sample) => {
    expect(hexOf(decodeNixBase32(sample.base32))).toBe(sample.base16);
  });
});

describe("Nix base32 encoding", () => {
  it("uses an alphabet without e, o, u and t", () => {
    expect(NIX_BASE32_ALPHABET).toHaveLength(32);
    for (const letter of "eout") expect(NIX_BASE32_ALPHABET).not.toContain(letter);
  });

  it("has the lengths of store path and hash texts", () => {
    expect([16, 20, 32, 64].map(nixBase32Length)).toEqual([26, 32, 52, 103]);
    expect(nixBase32Length(0)).toBe(0);
  });

  it("reads the bytes from the end: the last byte's high bits come first", () => {
    // 0x80 in the last of 20 bytes is bit 159, the top bit of the first 5-bit digit (bits 155..159): digit 16, "h".
    // Checked with `nix-hash --type sha1 --to-base32`.
    const bytes = new Uint8Array(20);
    bytes[19] = 0x80;
    expect(encodeNixBase32(bytes)).toBe(`h${"0".repeat(31)}`);
    const first = new Uint8Array(20);
    first[0] = 1;
    expect(encodeNixBase32(first)).toBe(`${"0".repeat(31)}1`);
  });

  it("round-trips every length from 0 to 70 bytes", () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 37 + length) & 0xff);
      expect(hexOf(decodeNixBase32(encodeNixBase32(bytes)))).toBe(hexOf(bytes));
    }
  });
});

describe("Nix base32 decoding refuses what Nix refuses", () => {
  it.each([
    ["a length no encoding has", "0".repeat(27), /has a length \(27\)/],
    ["a letter outside the alphabet", `e${"0".repeat(51)}`, /'e' is not in its alphabet/],
    ["an upper-case letter", `A${"0".repeat(51)}`, /'A' is not in its alphabet/],
    ["a non-ASCII character", `é${"0".repeat(51)}`, /'é' is not in its alphabet/],
    ["bits set past the last byte", `z${"0".repeat(51)}`, /bits set past its last byte/],
  ])("%s", (_label, text, message) => {
    expect(() => decodeNixBase32(text)).toThrow(NixBase32Error);
    expect(() => decodeNixBase32(text)).toThrow(message);
  });

  it("checks characters without decoding", () => {
    expect(isNixBase32("0123456789abcdfghijklmnpqrsvwxyz")).toBe(true);
    expect(isNixBase32("e")).toBe(false);
    expect(isNixBase32("\u{1F600}")).toBe(false);
    expect(isNixBase32("")).toBe(true);
  });
});
