/**
 * Large .bz2 files are decoded by libbzip2 through the `bzip2` program, with
 * Kiln's own decoder behind it: the same bytes, the same errors for a broken
 * file, and Kiln's decoder taking over where `bzip2` stopped when it fails
 * or only warns (as it does about trailing garbage). `bzip2` runs through a
 * small shell script that logs each run and then runs the real program.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveFormatError } from "../../../src/fetch/archive/index.js";
import { bzip2DecompressFile, type Bzip2FileOptions } from "../../../src/fetch/archive/bzip2-decompress-file.js";
import { findProgram } from "../../../src/fetch/archive/decoder-program.js";
import { loggingScript, makeWorkspace, python, removeWorkspace } from "./archive-test-helpers.js";

const bzip2 = findProgram("bzip2", "block-sorting file compressor");

const WRITE_CASES = `
import bz2, os, random, sys
out = sys.argv[1]
rng = random.Random(11)
words = [bytes(rng.choice(b"abcdefghij") for _ in range(rng.randint(1, 8))) for _ in range(2000)]
data = b" ".join(rng.choice(words) for _ in range(300_000)) + rng.randbytes(300_000)
open(os.path.join(out, "data.raw"), "wb").write(data)
open(os.path.join(out, "data.bz2"), "wb").write(bz2.compress(data[:900_000]) + bz2.compress(data[900_000:]))
`;

let dir = "";
let logFile = "";
let loggingBzip2 = "";
/** Passes on only the first 100,000 bytes of the real output, then warns and exits 0. */
let warningBzip2 = "";

async function decode(file: string, options: Bzip2FileOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of bzip2DecompressFile(file, options)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function runs(): number {
  return existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").filter((line) => line !== "").length : 0;
}

describe.skipIf(bzip2 === null)("bzip2 decoding by libbzip2 through the bzip2 program", () => {
  beforeAll(() => {
    dir = makeWorkspace("bzip2-program");
    python(WRITE_CASES, dir);
    logFile = join(dir, "runs.log");
    loggingBzip2 = loggingScript(join(dir, "logging-bzip2"), logFile, `exec '${bzip2}' "$@"`);
    warningBzip2 = loggingScript(join(dir, "warning-bzip2"), logFile, `'${bzip2}' "$@" | head -c 100000\necho 'bzip2: trailing garbage after EOF ignored' >&2\nexit 0`);
  });
  afterAll(() => removeWorkspace(dir));

  it("bzip2 decodes a large file of two streams to the same bytes as Kiln's decoder", async () => {
    writeFileSync(logFile, "");
    const file = join(dir, "data.bz2");
    const viaBzip2 = await decode(file, { program: loggingBzip2 });
    expect(runs()).toBe(1);
    expect(viaBzip2.equals(readFileSync(join(dir, "data.raw")))).toBe(true);
    expect(viaBzip2.equals(await decode(file, { program: null }))).toBe(true);
  });

  it("a warning, even with exit code 0, hands the file to Kiln's decoder from where bzip2 stopped", async () => {
    writeFileSync(logFile, "");
    const decoded = await decode(join(dir, "data.bz2"), { program: warningBzip2 });
    expect(runs()).toBe(1);
    expect(decoded.equals(readFileSync(join(dir, "data.raw")))).toBe(true);
  });

  it("a corrupt or truncated file fails with the ArchiveFormatError Kiln's decoder gives", async () => {
    const good = readFileSync(join(dir, "data.bz2"));
    const corrupt = Buffer.from(good);
    corrupt[200_000] = (corrupt[200_000] as number) ^ 0x55;
    for (const [name, bytes] of [["corrupt.bz2", corrupt], ["truncated.bz2", good.subarray(0, good.length - 300)]] as const) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const errorOf = (options: Bzip2FileOptions): Promise<unknown> => decode(file, options).then(() => undefined, (error: unknown) => error);
      const viaBzip2 = await errorOf({ program: loggingBzip2 });
      expect(viaBzip2, name).toBeInstanceOf(ArchiveFormatError);
      expect((viaBzip2 as Error).message, name).toBe(((await errorOf({ program: null })) as Error).message);
    }
  });
});
