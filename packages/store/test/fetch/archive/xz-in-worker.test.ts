/**
 * Large .xz files are decoded on a worker thread by the same decoder: the
 * output is the same bytes, a corrupt or truncated file fails with the same
 * ArchiveFormatError, and a reader that stops early ends the thread. The
 * worker exists only compiled, so this test runs the built package
 * (`packages/store/dist`), as the CLI does.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const DIST = fileURLToPath(new URL("../../../dist/fetch/archive/", import.meta.url));
const built = existsSync(join(DIST, "xz-worker.js"));
const hasXz = spawnSync("xz", ["--version"]).status === 0;

type Decode = (file: string) => AsyncGenerator<Buffer, void, undefined>;

describe.skipIf(!built || !hasXz)("xz decoding on a worker thread", () => {
  let dir = "";
  let original: Buffer;
  let inWorker: Decode;
  let inPlace: (input: Buffer) => Generator<Buffer, void, undefined>;
  let ArchiveFormatError: new (...args: never[]) => Error;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kiln-xz-worker-"));
    // Hex text: it halves, so the .xz is well over the size worth a thread.
    original = Buffer.from(randomBytes(1_500_000).toString("hex"));
    writeFileSync(join(dir, "data"), original);
    expect(spawnSync("xz", ["-k", "-1", join(dir, "data")]).status).toBe(0);
    inWorker = ((await import(join(DIST, "xz-in-worker.js"))) as { xzDecompressFileInWorker: Decode }).xzDecompressFileInWorker;
    inPlace = ((await import(join(DIST, "xz-decompress.js"))) as { xzDecompressChunks: typeof inPlace }).xzDecompressChunks;
    ArchiveFormatError = ((await import(join(DIST, "archive-errors.js"))) as { ArchiveFormatError: typeof ArchiveFormatError }).ArchiveFormatError;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function decode(file: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of inWorker(file)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  function errorInPlace(bytes: Buffer): Error {
    try {
      for (const chunk of inPlace(bytes)) void chunk;
    } catch (error) {
      return error as Error;
    }
    throw new Error("the decoder took corrupt data");
  }

  it("gives the same bytes as decoding in place", async () => {
    expect(readFileSync(join(dir, "data.xz")).length).toBeGreaterThan(1 << 20);
    expect((await decode(join(dir, "data.xz"))).equals(original)).toBe(true);
  });

  it("fails a corrupt or truncated file with the decoder's own ArchiveFormatError", async () => {
    const xz = readFileSync(join(dir, "data.xz"));
    const corrupt = Buffer.from(xz);
    const middle = Math.floor(xz.length / 2);
    corrupt[middle] = (corrupt[middle] as number) ^ 0x55;
    const truncated = xz.subarray(0, xz.length - 1000);
    for (const [name, bytes] of [["corrupt.xz", corrupt], ["truncated.xz", truncated]] as const) {
      writeFileSync(join(dir, name), bytes);
      const error = await decode(join(dir, name)).catch((caught: unknown) => caught);
      expect(error, name).toBeInstanceOf(ArchiveFormatError);
      expect((error as Error).message, name).toBe(errorInPlace(bytes).message);
    }
  });

  it("ends the thread when the reader stops early", async () => {
    let count = 0;
    for await (const chunk of inWorker(join(dir, "data.xz"))) {
      count += chunk.length > 0 ? 1 : 0;
      break;
    }
    expect(count).toBe(1);
  });
});
