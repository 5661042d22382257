/**
 * Broken input: truncated or corrupted data in every format, a bad tar header
 * checksum, and files that are no archive at all. Each must fail with an
 * ArchiveFormatError that names the archive (and the entry, where there is
 * one), and leave no destination behind.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveFormatError, unpackArchive } from "../../../src/fetch/archive/index.js";
import { makeWorkspace, python, removeWorkspace } from "./archive-test-helpers.js";

/** r/ (dir), r/a.txt (1 block), r/big.bin (1 MiB of seeded random bytes), r/z.txt; written as `sys.argv[2]` ("w", "w:gz", ...). */
const WRITE_SAMPLE = `
import io, random, sys, tarfile, zipfile
rng = random.Random(5)
big = bytes(rng.getrandbits(8) for _ in range(1 << 20))
if sys.argv[2] == "zip":
    with zipfile.ZipFile(sys.argv[1], "w") as zf:
        zf.writestr("r/a.txt", b"alpha\\n")
        zf.writestr(zipfile.ZipInfo("r/big.bin"), big)
        zf.writestr("r/z.txt", b"zulu\\n")
else:
    with tarfile.open(sys.argv[1], sys.argv[2], format=tarfile.GNU_FORMAT) as tf:
        info = tarfile.TarInfo("r/"); info.type = tarfile.DIRTYPE; tf.addfile(info)
        for name, data in [("r/a.txt", b"alpha\\n"), ("r/big.bin", big), ("r/z.txt", b"zulu\\n")]:
            info = tarfile.TarInfo(name); info.size = len(data); tf.addfile(info, io.BytesIO(data))
`;

let workspace = "";
let counter = 0;
const samples = new Map<string, Buffer>();

beforeAll(() => {
  workspace = makeWorkspace("corrupt");
  for (const [extension, mode] of [
    [".tar", "w"],
    [".tar.gz", "w:gz"],
    [".tar.bz2", "w:bz2"],
    [".tar.xz", "w:xz"],
    [".zip", "zip"],
  ] as const) {
    const file = join(workspace, `sample${extension}`);
    python(WRITE_SAMPLE, file, mode);
    samples.set(extension, readFileSync(file));
  }
});

afterAll(() => removeWorkspace(workspace));

/** XORs one byte of `bytes` with `mask`. */
function flip(bytes: Buffer, at: number, mask: number): void {
  bytes[at] = (bytes[at] ?? 0) ^ mask;
}

function sample(extension: string): Buffer {
  return Buffer.from(samples.get(extension) as Buffer);
}

/** Writes `bytes` as an archive in a fresh directory; its path. */
function writeArchive(bytes: Buffer, extension: string): string {
  const dir = join(workspace, `case-${++counter}`);
  mkdirSync(dir);
  const archive = join(dir, `archive${extension}`);
  writeFileSync(archive, bytes);
  return archive;
}

/** Writes `bytes` as an archive in a fresh directory, unpacks it, and checks the failure. */
async function expectFormatError(bytes: Buffer, extension: string, message: RegExp, options = { stripRoot: true }): Promise<ArchiveFormatError> {
  const dir = join(workspace, `case-${++counter}`);
  mkdirSync(dir);
  const archive = join(dir, `broken${extension}`);
  writeFileSync(archive, bytes);
  const out = join(dir, "out");
  const error = await unpackArchive(archive, out, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ArchiveFormatError);
  const formatError = error as ArchiveFormatError;
  expect(formatError.message).toContain(`cannot unpack '${archive}'`);
  expect(formatError.message).toMatch(message);
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(dir)).toEqual([basename(archive)]);
  return formatError;
}

describe("the samples themselves", () => {
  it.each([".tar", ".tar.gz", ".tar.bz2", ".tar.xz", ".zip"])("unpack when intact (%s)", async (extension) => {
    const dir = join(workspace, `intact-${++counter}`);
    mkdirSync(dir);
    const archive = join(dir, `sample${extension}`);
    writeFileSync(archive, sample(extension));
    await unpackArchive(archive, join(dir, "out"), { stripRoot: true });
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["a.txt", "big.bin", "z.txt"]);
  });
});

describe("truncated archives", () => {
  it("truncated gzip", async () => {
    const bytes = sample(".tar.gz");
    const error = await expectFormatError(bytes.subarray(0, bytes.length >> 1), ".tar.gz", /gzip data is corrupt or truncated/);
    // The data ran out inside r/big.bin, and the message says so.
    expect(error.entryName).toBe("r/big.bin");
    expect(error.message).toContain("'r/big.bin'");
  });

  it("gzip missing only its 8-byte trailer (CRC and size)", async () => {
    const bytes = sample(".tar.gz");
    await expectFormatError(bytes.subarray(0, bytes.length - 8), ".tar.gz", /gzip data is corrupt or truncated/);
  });

  it("truncated plain tar, inside a file's data", async () => {
    const bytes = sample(".tar");
    const error = await expectFormatError(bytes.subarray(0, 512 * 5), ".tar", /tar data is truncated: it ends inside entry 'r\/big.bin'/);
    expect(error.entryName).toBe("r/big.bin");
  });

  it("truncated plain tar, inside a header", async () => {
    const bytes = sample(".tar");
    await expectFormatError(bytes.subarray(0, 512 + 100), ".tar", /tar data ends inside a header at byte 512 \(after entry 'r\/'\)/);
  });

  it("truncated bzip2", async () => {
    const bytes = sample(".tar.bz2");
    await expectFormatError(bytes.subarray(0, bytes.length >> 1), ".tar.bz2", /bzip2 data is truncated/);
  });

  it("truncated xz", async () => {
    const bytes = sample(".tar.xz");
    await expectFormatError(bytes.subarray(0, bytes.length >> 1), ".tar.xz", /xz data is truncated/);
  });

  it("truncated zip (no central directory)", async () => {
    const bytes = sample(".zip");
    await expectFormatError(bytes.subarray(0, bytes.length >> 1), ".zip", /no end-of-central-directory record/);
  });
});

describe("corrupted archives", () => {
  it("gzip with a damaged byte in its compressed data", async () => {
    const bytes = sample(".tar.gz");
    flip(bytes, bytes.length >> 1, 0xff);
    await expectFormatError(bytes, ".tar.gz", /gzip data is corrupt or truncated|bad checksum/);
  });

  it("tar with a bad header checksum names the entry before it", async () => {
    const bytes = sample(".tar");
    // The second header (r/a.txt) starts at byte 512; change its name without fixing the checksum.
    bytes[512 + 2] = "b".charCodeAt(0);
    await expectFormatError(bytes, ".tar", /tar header at byte 512 \(after entry 'r\/'\) has a bad checksum/);
  });

  it("tar whose very first header has a bad checksum is not a tar", async () => {
    const bytes = sample(".tar");
    bytes[0] = "x".charCodeAt(0);
    await expectFormatError(bytes, ".tar", /not a tar archive: the first header's checksum does not match/);
  });

  it("gzip of something that is not a tar", async () => {
    const file = join(workspace, "not-a-tar.gz");
    python(`import gzip, sys\nopen(sys.argv[1], "wb").write(gzip.compress(b"just some text\\n" * 100))`, file);
    await expectFormatError(readFileSync(file), ".tar.gz", /not a tar archive/);
  });

  it("bzip2 with a damaged byte", async () => {
    const bytes = sample(".tar.bz2");
    flip(bytes, bytes.length >> 1, 0x55);
    await expectFormatError(bytes, ".tar.bz2", /bzip2 data is corrupt/);
  });

  it("xz with a damaged byte", async () => {
    const bytes = sample(".tar.xz");
    flip(bytes, bytes.length >> 1, 0x55);
    await expectFormatError(bytes, ".tar.xz", /xz data is corrupt/);
  });

  it("zip whose stored data no longer matches its CRC-32", async () => {
    const bytes = sample(".zip");
    // r/big.bin is stored (not deflated): damage a byte in the middle of it.
    const at = bytes.indexOf(Buffer.from("r/big.bin")) + 200_000;
    flip(bytes, at, 1);
    const error = await expectFormatError(bytes, ".zip", /zip entry 'r\/big.bin' has a bad CRC-32/);
    expect(error.entryName).toBe("r/big.bin");
  });
});

describe("the archive file is closed whenever unpacking stops", () => {
  it.each([".tar.gz", ".tar.bz2", ".tar.xz", ".zip"])("%s that fails early, or unpacks", async (extension) => {
    // What this process has open, by path (other descriptors come and go with the test runner).
    const openFiles = (): string[] =>
      readdirSync("/proc/self/fd").flatMap((fd) => {
        try {
          return [readlinkSync(`/proc/self/fd/${fd}`)];
        } catch {
          return [];
        }
      });
    const whole = writeArchive(sample(extension), extension);
    await unpackArchive(whole, join(workspace, `open-${++counter}`), { stripRoot: false });
    // Damaged early (inside the compressed stream, or a stored zip entry), so that reading stops long before the end.
    const damaged = sample(extension);
    if (extension === ".zip") flip(damaged, damaged.indexOf(Buffer.from("r/big.bin")) + 200_000, 1);
    else flip(damaged, 40, 0x10);
    const broken = writeArchive(damaged, extension);
    await expect(unpackArchive(broken, join(workspace, `open-${++counter}`), { stripRoot: true })).rejects.toThrow(ArchiveFormatError);
    // A destroyed read stream (gzip's) closes its file on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(openFiles().filter((path) => path === whole || path === broken)).toEqual([]);
  });
});

describe("files that are not archives", () => {
  it("garbage", async () => {
    const garbage = Buffer.alloc(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
    await expectFormatError(garbage, ".tar.gz", /not a recognised archive/);
  });

  it("an empty file", async () => {
    await expectFormatError(Buffer.alloc(0), ".zip", /the file is empty/);
  });

  it("zstd, named for what it is", async () => {
    await expectFormatError(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]), ".tar.zst", /zstd compression is not supported/);
  });

  it("a file name is never trusted: a zip called .tar.gz is still a zip", async () => {
    const dir = join(workspace, `misnamed-${++counter}`);
    mkdirSync(dir);
    const archive = join(dir, "actually-a-zip.tar.gz");
    writeFileSync(archive, sample(".zip"));
    await unpackArchive(archive, join(dir, "out"), { stripRoot: true });
    expect(readFileSync(join(dir, "out", "a.txt"), "utf8")).toBe("alpha\n");
  });
});
