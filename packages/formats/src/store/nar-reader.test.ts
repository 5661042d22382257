import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { directoryTokens, entryTokens, narTokens, regularTokens, symlinkTokens } from "../../test/nar-tokens.js";
import { NarParseError } from "./nar-errors.js";
import { formatNarPath, parseNar, type NarVisitor } from "./nar-reader.js";
import { unpackNar } from "./nar-unpack.js";
import { NAR_MAGIC, narChunks } from "./nar-writer.js";

const nar = (...tokens: (string | Uint8Array)[]): Buffer => narTokens(NAR_MAGIC, ...tokens);
const file = (contents: string): (string | Uint8Array)[] => regularTokens(contents);
const entry = entryTokens;
const directory = directoryTokens;

/** A visitor that ignores everything (the parser still checks the whole NAR). */
const ignore: NarVisitor = { directory() {}, file() {}, symlink() {} };

/** `bytes` split into chunks of `size`, to exercise every chunk boundary. */
function* chunked(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

let workspace = "";
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), "kiln-hostile-"));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

/** Everything under `directory`, as relative paths, so a test can show nothing else appeared. */
function listTree(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: "utf8" }).sort();
}

describe("unpacking refuses hostile or malformed NARs, leaving nothing behind", () => {
  const cases: [string, Buffer, RegExp][] = [
    ["an entry named ..", nar(...directory(entry("..", file("x")))), /entry '\.\.' in the root directory is not allowed/],
    ["an entry named .", nar(...directory(entry(".", file("x")))), /entry '\.' in the root directory is not allowed/],
    ["a name with a slash", nar(...directory(entry("a/b", file("x")))), /"a\/b" in the root directory contains '\/' or NUL/],
    ["a name climbing out with slashes", nar(...directory(entry("../../escaped", file("x")))), /contains '\/' or NUL/],
    ["a name with NUL", nar(...directory(entry("a\0b", file("x")))), /contains '\/' or NUL/],
    ["an empty name", nar(...directory(entry("", file("x")))), /empty name/],
    ["duplicate entries", nar(...directory(entry("a", file("1")), entry("a", file("2")))), /duplicate entry 'a'/],
    ["a file then a directory of the same name", nar(...directory(entry("a", file("1")), entry("a", directory(entry("b", file("2")))))), /duplicate entry 'a'/],
    ["unsorted entries", nar(...directory(entry("b", file("1")), entry("a", file("2")))), /root directory is not sorted \('a' after 'b'\)/],
    ["unsorted entries deeper down", nar(...directory(entry("d", directory(entry("z", file("1")), entry("y", file("2")))))), /directory 'd' is not sorted/],
    // UTF-16 order would accept this; byte order (F0… before EF…) does not.
    ["entries in UTF-16 rather than byte order", nar(...directory(entry("\u{1F600}", file("1")), entry("\uFFFD", file("2")))), /is not sorted/],
    ["bad magic", narTokens("nix-archive-2", ...file("x")), /does not start with 'nix-archive-1'/],
    ["an empty input", Buffer.alloc(0), /not a NAR: NAR ends early/],
    ["a truncated stream", nar(...file("hello")).subarray(0, 100), /ends early/],
    ["a stream cut inside file contents", nar(...file("x".repeat(100))).subarray(0, 120), /ends early/],
    ["an unknown node type", nar("(", "type", "fifo", ")"), /unknown type 'fifo'/],
    ["an unknown token in a directory", nar("(", "type", "directory", "etnry", ")"), /expected 'entry' or '\)'/],
    ["an unknown token in a file", nar("(", "type", "regular", "size", "1", ")"), /expected 'contents' for the root, found 'size'/],
    ["an executable marker with a value", nar("(", "type", "regular", "executable", "yes", "contents", "x", ")"), /expected '' at byte/],
    ["contents before the executable marker (not canonical)", nar("(", "type", "regular", "contents", "x", "executable", "", ")"), /expected '\)'/],
    ["a symlink without a target", nar("(", "type", "symlink", ")"), /expected 'target'/],
    ["a missing open parenthesis", nar("type", "regular", "contents", "x", ")"), /expected '\('/],
    ["trailing data", Buffer.concat([nar(...file("x")), narTokens("extra")]), /trailing data/],
    ["a length beyond 2^53", Buffer.concat([narTokens(NAR_MAGIC), Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x80])]), /length \d+ at byte 24 is too large/],
    ["a name longer than 64 KiB", nar(...directory(entry("n".repeat(70_000), file("x")))), /token of 70000 bytes .* is too long/],
    [
      "non-zero padding",
      (() => {
        const bytes = nar(...file("abc"));
        // The last token is ")" (16 bytes); just before it, the 5 padding bytes after "abc".
        bytes[bytes.length - 16 - 1] = 1;
        return bytes;
      })(),
      /non-zero padding/,
    ],
  ];

  it.each(cases)("%s", async (_label, bytes, message) => {
    const destination = join(workspace, "out");
    await expect(unpackNar(bytes, destination)).rejects.toThrow(NarParseError);
    await expect(unpackNar(bytes, destination)).rejects.toThrow(message);
    // What was unpacked before the refusal is gone, and nothing was made beside or above the destination.
    expect(existsSync(destination)).toBe(false);
    expect(listTree(workspace)).toEqual([]);
  });

  it("refuses every truncation of a valid NAR", async () => {
    const bytes = nar(...directory(entry("a", regularTokens("hello", true)), entry("b", symlinkTokens("a"))));
    for (let length = 0; length < bytes.length; length += 8) {
      await expect(parseNar(bytes.subarray(0, length), ignore), `cut at ${length}`).rejects.toThrow(NarParseError);
    }
    await expect(parseNar(bytes, ignore)).resolves.toBeUndefined();
  });

  it("refuses to unpack over an existing directory", async () => {
    await expect(unpackNar(nar(...file("x")), workspace)).rejects.toThrow(/already exists/);
    expect(existsSync(workspace)).toBe(true);
  });

  it("refuses to unpack over a dangling symlink, and leaves it alone", async () => {
    const destination = join(workspace, "dangling");
    symlinkSync(join(workspace, "nowhere"), destination);
    await expect(unpackNar(nar(...file("x")), destination)).rejects.toThrow(/already exists/);
    expect(readlinkSync(destination)).toBe(join(workspace, "nowhere"));
    expect(existsSync(join(workspace, "nowhere"))).toBe(false);
  });

  it("restores a symlink pointing outside as a symlink, never writing through it", async () => {
    const outside = join(workspace, "outside");
    mkdirSync(outside);
    const bytes = nar(...directory(entry("escape", symlinkTokens(outside)), entry("file", file("x"))));
    const destination = join(workspace, "tree");
    await unpackNar(bytes, destination);
    expect(lstatSync(join(destination, "escape")).isSymbolicLink()).toBe(true);
    expect(readdirSync(outside)).toEqual([]);
  });

  it("does not write through a symlink given twice (once as a link, once as a directory)", async () => {
    const outside = join(workspace, "outside");
    mkdirSync(outside);
    const bytes = nar(...directory(entry("escape", symlinkTokens(outside)), entry("escape", directory(entry("planted", file("x"))))));
    await expect(unpackNar(bytes, join(workspace, "tree"))).rejects.toThrow(/duplicate entry 'escape'/);
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(workspace, "tree"))).toBe(false);
  });
});

describe("parsing valid NARs", () => {
  const tree = nar(
    ...directory(
      entry("bin", regularTokens("#!/bin/sh\n", true)),
      entry("data", file("x".repeat(200))),
      entry("link", symlinkTokens("bin")),
      entry("sub", directory(entry("empty", directory()))),
    ),
  );

  it("unpacks files with modes 0644 and 0755, symlinks and empty directories", async () => {
    const destination = join(workspace, "tree");
    await unpackNar(tree, destination);
    expect(listTree(destination)).toEqual(["bin", "data", "link", "sub", "sub/empty"]);
    const umask = process.umask();
    expect(lstatSync(join(destination, "bin")).mode & 0o777).toBe(0o755 & ~umask);
    expect(lstatSync(join(destination, "data")).mode & 0o777).toBe(0o644 & ~umask);
    expect(readlinkSync(join(destination, "link"))).toBe("bin");
    expect(Buffer.concat([...narChunks(destination)]).equals(tree)).toBe(true);
  });

  it("reads from a Node stream in chunks of any size, even one byte", async () => {
    for (const size of [1, 3, 8, 13, 4096]) {
      const destination = join(workspace, `chunks-${size}`);
      await unpackNar(Readable.from(chunked(tree, size)), destination);
      expect(Buffer.concat([...narChunks(destination)]).equals(tree), `chunks of ${size}`).toBe(true);
    }
  });

  it("skips file contents a visitor does not read, staying in step", async () => {
    const seen: string[] = [];
    await parseNar(chunked(tree, 5), {
      directory: (path) => void seen.push(`dir ${formatNarPath(path)}`),
      file: (path, executable, size) => void seen.push(`file ${formatNarPath(path)} ${executable} ${size}`),
      symlink: (path, target) => void seen.push(`link ${formatNarPath(path)} ${target.toString()}`),
    });
    expect(seen).toEqual(["dir the root", "file 'bin' true 10", "file 'data' false 200", "link 'link' bin", "dir 'sub'", "dir 'sub/empty'"]);
  });

  it("hands names and symlink targets on as raw bytes, so ones that are not UTF-8 survive", async () => {
    const name = Buffer.from([0x66, 0xfe]);
    const target = Buffer.from([0x74, 0xff]);
    const bytes = nar(...directory(entry(name, file("x")), entry(Buffer.from([0x6c]), symlinkTokens(target))));
    const destination = join(workspace, "raw");
    await unpackNar(bytes, destination);
    expect(readdirSync(destination, { encoding: "buffer" }).sort(Buffer.compare)).toEqual([name, Buffer.from("l")]);
    expect(readlinkSync(join(destination, "l"), { encoding: "buffer" }).equals(target)).toBe(true);
    expect(Buffer.concat([...narChunks(destination)]).equals(bytes)).toBe(true);
  });

  it("accepts names that sort by bytes even where UTF-16 disagrees", async () => {
    const bytes = nar(...directory(entry("z", file("1")), entry("é", file("2")), entry("\uFFFD", file("3")), entry("\u{1F600}", file("4"))));
    await expect(parseNar(bytes, ignore)).resolves.toBeUndefined();
  });

  it("unpacks a single file or symlink at the root", async () => {
    await unpackNar(nar(...regularTokens("hi", true)), join(workspace, "file"));
    expect(lstatSync(join(workspace, "file")).isFile()).toBe(true);
    await unpackNar(nar(...symlinkTokens("file")), join(workspace, "link"));
    expect(readlinkSync(join(workspace, "link"))).toBe("file");
  });
});
