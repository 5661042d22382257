/**
 * The reference scanner finds a candidate's hash part wherever it lies in a
 * file: among binary bytes, right after other base32 characters, and across
 * the boundary between two reads; it finds nothing that is not there.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashPathSync } from "@kiln/formats";
import { HashPartScanner, scanForReferences } from "./reference-scanner.js";

const STORE = "/store";
const A = `${STORE}/0c7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-a`;
const B = `${STORE}/1b7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-b`;
const C = `${STORE}/2a7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-c`;
const D = `${STORE}/3a7l4rc6ri8f4xjc5cnmrq9v8wz5k4dd-d`;
const hashPart = (path: string): string => path.slice(STORE.length + 1, STORE.length + 33);

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kiln-scan-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the reference scanner", () => {
  it("finds hash parts among binary bytes, after base32 runs, across reads, and in symlink targets", () => {
    mkdirSync(join(dir, "out"));
    const binary = Buffer.alloc(200_000, 0xff);
    // Straddling the first 64 KiB read.
    binary.write(hashPart(A), 65_536 - 10, "latin1");
    // Preceded by more base32 characters than a hash part has.
    binary.write(`abcdefghij${hashPart(B)}`, 100_000, "latin1");
    writeFileSync(join(dir, "out/blob"), binary);
    symlinkSync(`${C}/bin/x`, join(dir, "out/link"));
    expect([...scanForReferences(join(dir, "out"), [A, B, C, D], STORE)].sort()).toEqual([A, B, C]);
  });

  it("does not join a hash part from the end of one file and the start of the next", () => {
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "out/1"), hashPart(D).slice(0, 16));
    writeFileSync(join(dir, "out/2"), hashPart(D).slice(16));
    expect(scanForReferences(join(dir, "out"), [D], STORE).size).toBe(0);
  });

  it("finds a hash part split between chunks at any point, however small the chunks", () => {
    const text = Buffer.from(`xx/${hashPart(A)}/bin`, "latin1");
    for (let first = 0; first <= text.length; first++) {
      for (const second of [1, 5, 31, 40]) {
        const scanner = new HashPartScanner(new Set([hashPart(A)]));
        scanner.feed(text.subarray(0, first));
        for (let at = first; at < text.length; at += second) scanner.feed(text.subarray(at, at + second));
        expect([...scanner.found], `split at ${first}, then pieces of ${second}`).toEqual([hashPart(A)]);
      }
    }
  });

  it("fed by a NAR hash's walk, finds what a scan of its own finds, and the hash is unchanged", () => {
    mkdirSync(join(dir, "out/sub"), { recursive: true });
    const big = Buffer.alloc(3 << 20, 0x61);
    // Straddling the walk's 1 MiB reads, and inside a run of base32 characters.
    big.write(hashPart(A), (1 << 20) - 7, "latin1");
    big.write(hashPart(B), (2 << 20) + 100, "latin1");
    writeFileSync(join(dir, "out/sub/big"), big);
    writeFileSync(join(dir, "out/1"), hashPart(D).slice(0, 16));
    writeFileSync(join(dir, "out/2"), hashPart(D).slice(16));
    symlinkSync(`${C}/bin/x`, join(dir, "out/link"));
    const candidates = new Map([A, B, C, D].map((path) => [hashPart(path), path]));
    const scanner = new HashPartScanner(candidates);
    const hashed = hashPathSync(join(dir, "out"), "sha256", (chunk) => scanner.feed(chunk));
    const found = [...scanner.found].map((part) => candidates.get(part)).sort();
    expect(found).toEqual([...scanForReferences(join(dir, "out"), [A, B, C, D], STORE)].sort());
    expect(found).toEqual([A, B, C]);
    expect(hashed.hash.toNixBase32()).toBe(hashPathSync(join(dir, "out"), "sha256").hash.toNixBase32());
  });
});
