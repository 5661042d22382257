import { describe, expect, it } from "vitest";
import { readFixture } from "../../test/conformance-fixtures.js";
import {
  compressHash,
  Hash,
  HASH_ALGORITHMS,
  hashByteLength,
  HashParseError,
  hashString,
  isHashAlgorithm,
  parseHash,
  parseHashAlgorithm,
  parseHashAllowEmpty,
  zeroHash,
  type HashAlgorithm,
} from "./hash.js";

interface Sample {
  readonly size: number;
  readonly algo: HashAlgorithm;
  readonly base16: string;
  readonly base32: string;
  readonly base64: string;
  readonly sri: string;
}

const { samples } = readFixture<{ samples: Sample[] }>("base32.json");
const cases = samples.map((sample, index) => [index, sample.algo, sample] as const);
const hashOf = (sample: Sample): Hash => new Hash(sample.algo, new Uint8Array(Buffer.from(sample.base16, "hex")));

describe("a Hash prints in every form as Nix prints it (base32.json)", () => {
  it.each(cases)("sample %i (%s)", (_index, _algo, sample) => {
    const hash = hashOf(sample);
    expect(hash.toBase16()).toBe(sample.base16);
    expect(hash.toNixBase32()).toBe(sample.base32);
    expect(hash.toBase64()).toBe(sample.base64);
    expect(hash.toSri()).toBe(sample.sri);
    expect(String(hash)).toBe(sample.sri);
    expect(hash.format("base16")).toBe(sample.base16);
    expect(hash.format("nix32", true)).toBe(`${sample.algo}:${sample.base32}`);
    expect(hash.format("base64", true)).toBe(`${sample.algo}:${sample.base64}`);
    expect(hash.format("sri", false)).toBe(sample.sri);
  });
});

describe("parseHash reads every form Nix accepts (base32.json)", () => {
  it.each(cases)("sample %i (%s) with its algorithm in the text", (_index, _algo, sample) => {
    for (const text of [sample.sri, `${sample.algo}:${sample.base16}`, `${sample.algo}:${sample.base32}`, `${sample.algo}:${sample.base64}`]) {
      const hash = parseHash(text);
      expect(hash.algorithm, text).toBe(sample.algo);
      expect(hash.toBase16(), text).toBe(sample.base16);
      // A prefix that agrees with the expected algorithm is fine.
      expect(parseHash(text, sample.algo).equals(hash), text).toBe(true);
    }
  });

  it.each(cases)("sample %i (%s) bare, with the algorithm given", (_index, _algo, sample) => {
    for (const bare of [sample.base16, sample.base16.toUpperCase(), sample.base32, sample.base64]) {
      expect(parseHash(bare, sample.algo).toBase16(), bare).toBe(sample.base16);
    }
  });
});

describe("parseHash details checked against Nix 2.8", () => {
  // `nix hash to-base16 sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk` prints the empty string's sha1.
  it("accepts SRI base64 without its padding", () => {
    expect(parseHash("sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk").toBase16()).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
  });

  it("accepts md5 in SRI form", () => {
    expect(parseHash("md5-1B2M2Y8AsgTpgAmY7PhCfg==").toBase16()).toBe("d41d8cd98f00b204e9800998ecf8427e");
  });
});

describe("parseHash refuses what Nix refuses", () => {
  const sha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  it.each([
    ["a bare hash without an algorithm", () => parseHash(sha256Hex), /does not include a type/],
    ["a hex digest one character short", () => parseHash(`sha256:${sha256Hex.slice(1)}`), /wrong length for hash type 'sha256'/],
    ["a sha1-length digest for sha256", () => parseHash("sha256:da39a3ee5e6b4b0d3255bfef95601890afd80709"), /wrong length/],
    ["a bare digest of the wrong length", () => parseHash("abcd", "sha1"), /wrong length for hash type 'sha1'/],
    ["SRI whose base64 is too short", () => parseHash("sha256-2jmj7l5rSw0yVb/vlWAYkK/YBwk="), /wrong length for hash type 'sha256'/],
    ["SRI with characters outside base64", () => parseHash("sha1-2jmj7l5rSw0yVb/vlWAYkK/YBw!="), /invalid base64/],
    ["an unknown algorithm", () => parseHash("sha3:abcd"), /unknown hash algorithm 'sha3'/],
    ["an unknown SRI algorithm", () => parseHash("blake3-abcd"), /unknown hash algorithm 'blake3'/],
    ["a prefix that disagrees with the expected algorithm", () => parseHash("sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=", "sha256"), /should have type 'sha256'/],
    ["a colon prefix that disagrees", () => parseHash(`sha256:${sha256Hex}`, "sha512"), /should have type 'sha512'/],
    ["a letter outside Nix base32", () => parseHash(`sha256:${"e".repeat(52)}`), /invalid base-32 hash/],
    ["base32 with bits past the last byte", () => parseHash(`sha256:${"z".repeat(52)}`), /invalid base-32 hash .*: it has bits set past its last byte \(its first digit 'z' is too large/],
    ["bad hex", () => parseHash(`sha1:${"g".repeat(40)}`), /invalid base-16 hash/],
    ["the empty string", () => parseHash("", "sha256"), /wrong length/],
  ] as const)("%s", (_label, attempt, message) => {
    expect(attempt).toThrow(HashParseError);
    expect(attempt).toThrow(message);
  });
});

describe("parseHash refuses a digest whose padding bits are not zero, which would print as another text", () => {
  // In each sample's encodings, the digit that carries bits beyond the hash is made one larger: the same bytes
  // would come out, so accepting it would report the hash as a text other than the one written.
  const bump = (digit: string, alphabet: string): string => alphabet[alphabet.indexOf(digit) + 1] ?? "";
  const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";
  const zeros = samples.filter((sample) => /^0+$/.test(sample.base16));

  // sha1's 160 bits fill its 32 digits exactly; the others have 2 to 4 bits to spare in their first digit.
  const padded32 = zeros.filter((sample) => sample.base32.length * 5 > sample.size * 8);
  it.each(padded32.map((sample) => [sample.algo, sample] as const))("%s in base32 (Nix refuses it too)", (_algo, sample) => {
    const spare = sample.base32.length * 5 - sample.size * 8;
    // The lowest digit value with a spare bit set; one less is still a valid hash.
    const text = `${sample.algo}:${NIX32[1 << (5 - spare)] ?? ""}${sample.base32.slice(1)}`;
    expect(parseHash(`${sample.algo}:${NIX32[(1 << (5 - spare)) - 1] ?? ""}${sample.base32.slice(1)}`).algorithm).toBe(sample.algo);
    expect(() => parseHash(text)).toThrow(`invalid base-32 hash '${text}': it has bits set past its last byte`);
  });

  it.each(zeros.filter((sample) => sample.base64.endsWith("=")).map((sample) => [sample.algo, sample] as const))("%s in SRI and algo:base64", (_algo, sample) => {
    const digits = sample.base64.replace(/=+$/, "");
    const padded = `${digits.slice(0, -1)}${bump(digits.slice(-1), BASE64)}${sample.base64.slice(digits.length)}`;
    for (const text of [`${sample.algo}-${padded}`, `${sample.algo}:${padded}`]) {
      expect(() => parseHash(text), text).toThrow(
        `invalid base64 in ${sample.algo} hash '${text}': its last digit 'B' sets bits beyond the ${sample.size} bytes of a ${sample.algo} hash`,
      );
    }
    // Without the padding, too.
    expect(() => parseHash(`${sample.algo}-${padded.replace(/=+$/, "")}`)).toThrow(HashParseError);
  });
});

describe("parseHashAllowEmpty: an empty outputHash", () => {
  it("is the all-zero hash of the given algorithm, as Nix assumes", () => {
    expect(parseHashAllowEmpty("", "sha256").toSri()).toBe("sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    for (const algorithm of HASH_ALGORITHMS) expect(parseHashAllowEmpty("", algorithm).equals(zeroHash(algorithm))).toBe(true);
  });

  it("needs an algorithm", () => {
    expect(() => parseHashAllowEmpty("")).toThrow(HashParseError);
    expect(() => parseHashAllowEmpty("")).toThrow(/empty hash requires explicit hash type/);
  });

  it("reads any other text as parseHash does", () => {
    expect(parseHashAllowEmpty("sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=").toBase16()).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(() => parseHashAllowEmpty("sha1:00", "sha1")).toThrow(/wrong length/);
  });
});

describe("hash algorithms and digests", () => {
  it("knows exactly Nix's four algorithms and their digest sizes", () => {
    expect(HASH_ALGORITHMS.map((algorithm) => [algorithm, hashByteLength(algorithm)])).toEqual([
      ["md5", 16],
      ["sha1", 20],
      ["sha256", 32],
      ["sha512", 64],
    ]);
    expect(isHashAlgorithm("sha3")).toBe(false);
    // Only own keys count, so `toString` or `__proto__` are not algorithms.
    expect(isHashAlgorithm("toString")).toBe(false);
    expect(isHashAlgorithm("__proto__")).toBe(false);
    expect(() => parseHashAlgorithm("SHA256")).toThrow(/unknown hash algorithm 'SHA256' \(expected one of md5, sha1, sha256, sha512\)/);
  });

  it("refuses a digest of the wrong size", () => {
    expect(() => new Hash("sha256", new Uint8Array(20))).toThrow(/a sha256 hash has 32 bytes, not 20/);
  });

  it("hashes strings as UTF-8", () => {
    expect(hashString("sha256", "").toBase16()).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(hashString("md5", "é").equals(hashString("md5", new Uint8Array([0xc3, 0xa9])))).toBe(true);
  });

  it("a hash made from its hex digest has the same bytes and forms as one made from its bytes, and refuses the wrong length", () => {
    for (const sample of samples) {
      const fromHex = Hash.fromBase16(sample.algo, sample.base16.toUpperCase());
      expect(fromHex.toBase16()).toBe(sample.base16);
      expect(fromHex.toNixBase32()).toBe(sample.base32);
      expect(fromHex.toSri()).toBe(sample.sri);
      expect([...fromHex.bytes]).toEqual([...hashOf(sample).bytes]);
      expect(fromHex.equals(hashOf(sample)) && hashOf(sample).equals(fromHex)).toBe(true);
    }
    expect(() => Hash.fromBase16("sha256", "ab")).toThrow(/a sha256 hash has 64 hex digits, not 2/);
    expect(() => Hash.fromBase16("md5", "g".repeat(32))).toThrow(/invalid base-16 hash/);
  });

  it("compares algorithm and bytes", () => {
    expect(zeroHash("sha1").equals(zeroHash("sha1"))).toBe(true);
    expect(zeroHash("sha1").equals(hashString("sha1", ""))).toBe(false);
    expect(new Hash("md5", new Uint8Array(16)).equals(zeroHash("md5"))).toBe(true);
  });

  it("compresses a hash by XOR-ing byte i into position i mod size", () => {
    const bytes = new Uint8Array(32).map((_, i) => i);
    const expected = new Uint8Array(20).map((_, i) => (i < 12 ? i ^ (i + 20) : i));
    expect([...compressHash(bytes, 20)]).toEqual([...expected]);
    expect([...compressHash(new Uint8Array([1, 2, 3]), 5)]).toEqual([1, 2, 3, 0, 0]);
  });
});
