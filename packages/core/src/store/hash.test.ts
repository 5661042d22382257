import { describe, expect, it } from "vitest";
import { readFixture } from "../../test/conformance-fixtures.js";
import { Hash, HashParseError, parseHash, parseHashAllowEmpty, type HashAlgorithm } from "./hash.js";
import { decodeNixBase32, encodeNixBase32, NixBase32Error } from "./nix-base32.js";

interface Sample {
  readonly size: number;
  readonly algo: HashAlgorithm;
  readonly base16: string;
  readonly base32: string;
  readonly base64: string;
  readonly sri: string;
}

const { samples } = readFixture<{ samples: Sample[] }>("base32.json");

describe("every base32.json sample converts as Nix converts it", () => {
  it.each(samples.map((sample, index) => [index, sample] as const))("sample %i", (_index, sample) => {
    const bytes = new Uint8Array(Buffer.from(sample.base16, "hex"));
    expect(encodeNixBase32(bytes)).toBe(sample.base32);
    expect(Buffer.from(decodeNixBase32(sample.base32)).toString("hex")).toBe(sample.base16);
    const hash = new Hash(sample.algo, bytes);
    expect(hash.toBase64()).toBe(sample.base64);
    expect(hash.toSri()).toBe(sample.sri);
    for (const text of [sample.sri, `${sample.algo}:${sample.base16}`, `${sample.algo}:${sample.base32}`, `${sample.algo}:${sample.base64}`]) {
      expect(parseHash(text).toBase16(), text).toBe(sample.base16);
    }
    for (const bare of [sample.base16, sample.base32, sample.base64]) expect(parseHash(bare, sample.algo).toBase16(), bare).toBe(sample.base16);
  });
});

describe("hash parsing refuses what Nix refuses", () => {
  it.each([
    ["a bare hash without an algorithm", () => parseHash("abcd"), /does not include a type/],
    ["a wrong length", () => parseHash("sha256:abcd"), /wrong length for hash type 'sha256'/],
    ["an unknown algorithm", () => parseHash("sha3:abcd"), /unknown hash algorithm 'sha3'/],
    ["a prefix that disagrees", () => parseHash("sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=", "sha256"), /should have type 'sha256'/],
    ["a letter outside base32", () => parseHash(`sha256:${"e".repeat(52)}`), /invalid base-32 hash/],
    ["bad hex", () => parseHash(`sha1:${"g".repeat(40)}`), /invalid base-16 hash/],
    ["an empty hash without an algorithm", () => parseHashAllowEmpty(""), /empty hash requires explicit hash type/],
  ] as const)("%s", (_label, attempt, message) => {
    expect(attempt).toThrow(HashParseError);
    expect(attempt).toThrow(message);
  });

  it("an empty hash with an algorithm is all zeros, as Nix assumes", () => {
    expect(parseHashAllowEmpty("", "sha256").toSri()).toBe("sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  });

  it("base32 with bits past the last byte is refused", () => {
    expect(() => decodeNixBase32("zz")).toThrow(NixBase32Error);
  });
});
