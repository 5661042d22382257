/**
 * Large .xz files are decoded by liblzma through the `xz` program, behind
 * the same rules as Kiln's own decoder: the same bytes, the same errors for
 * a broken file, Kiln's decoder taking over where `xz` stopped when it
 * fails, files with filters or dictionaries Kiln refuses never given to
 * `xz`, and a reader that stops early stopping the process. `xz` runs
 * through a small shell script that logs each run and then runs the real
 * program, so the tests can tell who decoded.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveFormatError, xzDecompress } from "../../../src/fetch/archive/index.js";
import { scanXzBlocks } from "../../../src/fetch/archive/xz-block-scan.js";
import { xzDecompressFile, type XzFileOptions } from "../../../src/fetch/archive/xz-decompress-file.js";
import { findXzProgram } from "../../../src/fetch/archive/xz-program.js";
import { loggingScript, makeWorkspace, python, removeWorkspace } from "./archive-test-helpers.js";

const xz = findXzProgram();

/** Each case's `<name>.raw` and `<name>.xz` in `sys.argv[1]`; all but `small` are well over the size that goes to `xz`. */
const WRITE_CASES = `
import lzma, os, random, sys
out = sys.argv[1]
rng = random.Random(7)
words = [bytes(rng.choice(b"abcdefghij") for _ in range(rng.randint(1, 8))) for _ in range(2000)]
text = b" ".join(rng.choice(words) for _ in range(200_000))
noise = rng.randbytes(600_000)
def write(name, raw, xz):
    open(os.path.join(out, name + ".raw"), "wb").write(raw)
    open(os.path.join(out, name + ".xz"), "wb").write(xz)
lzma2 = [{"id": lzma.FILTER_LZMA2, "preset": 6}]
write("plain", text + noise, lzma.compress(text + noise, filters=lzma2))
# Two streams with padding between.
write("streams", noise + text, lzma.compress(noise, check=lzma.CHECK_SHA256) + b"\\0" * 8 + lzma.compress(text, check=lzma.CHECK_CRC32))
write("bcj", text, lzma.compress(text, filters=[{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2}]))
write("noise", noise, lzma.compress(noise, filters=lzma2))
write("small", text[:1000], lzma.compress(text[:1000]))
`;

let dir = "";
let logFile = "";
/** Runs the real `xz`, logging its arguments and PID first. */
let loggingXz = "";
/** Runs the real `xz` but passes on only its first 100,000 bytes of output and then fails, as `xz` does on a memory limit or corruption. */
let failingXz = "";

function raw(name: string): Buffer {
  return readFileSync(join(dir, `${name}.raw`));
}

async function decode(file: string, options: XzFileOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of xzDecompressFile(file, options)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function runs(): string[] {
  return existsSync(logFile) ? readFileSync(logFile, "utf8").trim().split("\n").filter((line) => line !== "") : [];
}

function clearLog(): void {
  writeFileSync(logFile, "");
}

function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.skipIf(xz === null)("xz decoding by liblzma through the xz program", () => {
  beforeAll(() => {
    dir = makeWorkspace("xz-program");
    python(WRITE_CASES, dir);
    logFile = join(dir, "runs.log");
    loggingXz = loggingScript(join(dir, "logging-xz"), logFile, `exec '${xz}' "$@"`);
    failingXz = loggingScript(join(dir, "failing-xz"), logFile, `'${xz}' "$@" | head -c 100000\nexit 1`);
    // Several blocks, as Debian's multi-threaded xz writes them.
    const blocks = spawnSync(xz as string, ["--block-size=200KiB", "--stdout", join(dir, "plain.raw")]);
    expect(blocks.status).toBe(0);
    writeFileSync(join(dir, "blocks.xz"), blocks.stdout);
    writeFileSync(join(dir, "blocks.raw"), raw("plain"));
  });
  afterAll(() => removeWorkspace(dir));

  it.each(["plain", "streams", "blocks"])("%s: xz decodes a large file to the same bytes as Kiln's decoder, under a memory limit", async (name) => {
    clearLog();
    const file = join(dir, `${name}.xz`);
    const decoded = await decode(file, { program: loggingXz });
    expect(decoded.equals(raw(name))).toBe(true);
    expect(decoded.equals(xzDecompress(readFileSync(file)))).toBe(true);
    expect(runs()).toHaveLength(1);
    expect(runs()[0]).toMatch(/--memlimit-decompress=\d+/);
  });

  it("a small file is decoded in place, without starting xz", async () => {
    clearLog();
    expect((await decode(join(dir, "small.xz"), { program: loggingXz })).equals(raw("small"))).toBe(true);
    expect(runs()).toHaveLength(0);
  });

  it("when xz fails part way, Kiln's decoder takes over where it stopped and the output is whole", async () => {
    clearLog();
    const decoded = await decode(join(dir, "plain.xz"), { program: failingXz });
    expect(runs()).toHaveLength(1);
    expect(decoded.equals(raw("plain"))).toBe(true);
  });

  it("a corrupt or truncated file fails with the ArchiveFormatError Kiln's decoder gives", async () => {
    const good = readFileSync(join(dir, "plain.xz"));
    const corrupt = Buffer.from(good);
    const middle = Math.floor(good.length / 2);
    corrupt[middle] = (corrupt[middle] as number) ^ 0x55;
    for (const [name, bytes] of [["corrupt.xz", corrupt], ["truncated.xz", good.subarray(0, good.length - 500)]] as const) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const viaXz = await errorOf(decode(file, { program: loggingXz }));
      const own = await errorOf(decode(file, { program: null }));
      expect(viaXz, name).toBeInstanceOf(ArchiveFormatError);
      expect((viaXz as Error).message, name).toBe((own as Error).message);
    }
  });

  it("a file with a filter Kiln refuses (BCJ) is not given to xz, and fails as before", async () => {
    clearLog();
    const error = await errorOf(decode(join(dir, "bcj.xz"), { program: loggingXz }));
    expect(error).toBeInstanceOf(ArchiveFormatError);
    expect((error as Error).message).toMatch(/uses the BCJ x86 filter; only LZMA2 is supported/);
    expect(runs()).toHaveLength(0);
  });

  it("a file whose dictionary is over the limit is left to Kiln's decoder, which bounds its memory", async () => {
    clearLog();
    // It declares 8 MiB, but noise has no matches to reach back for.
    const decoded = await decode(join(dir, "noise.xz"), { program: loggingXz, maxDictionary: 1 << 20 });
    expect(decoded.equals(raw("noise"))).toBe(true);
    expect(runs()).toHaveLength(0);
  });

  it("a reader that stops after the first chunk stops the xz process", async () => {
    clearLog();
    for await (const chunk of xzDecompressFile(join(dir, "plain.xz"), { program: loggingXz })) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    const pid = Number(runs()[0]?.split(" ")[0]);
    expect(pid).toBeGreaterThan(0);
    for (let i = 0; i < 100 && existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z "); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ")).toBe(false);
  });

  it("the block scan reads every stream's blocks and dictionaries, and gives up on a file it cannot read", () => {
    expect(scanXzBlocks(join(dir, "streams.xz"))).toEqual({ blocks: 2, largestDictionary: 8 << 20 });
    const blocks = scanXzBlocks(join(dir, "blocks.xz"));
    expect(blocks?.blocks).toBe(Math.ceil(raw("plain").length / (200 << 10)));
    const good = readFileSync(join(dir, "blocks.xz"));
    writeFileSync(join(dir, "cut.xz"), good.subarray(0, good.length - 1));
    expect(scanXzBlocks(join(dir, "cut.xz"))).toBeUndefined();
    writeFileSync(join(dir, "zeros.xz"), Buffer.alloc(4096));
    expect(scanXzBlocks(join(dir, "zeros.xz"))).toBeUndefined();
    expect(scanXzBlocks(join(dir, "missing.xz"))).toBeUndefined();
  });
});
