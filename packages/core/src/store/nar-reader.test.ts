import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NarParseError } from "./nar-errors.js";
import { unpackNar } from "./nar-unpack.js";

/** Frames tokens as NAR strings. */
function nar(...tokens: (string | Buffer)[]): Buffer {
  return Buffer.concat(
    tokens.map((token) => {
      const bytes = typeof token === "string" ? Buffer.from(token) : token;
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(bytes.length));
      return Buffer.concat([length, bytes, Buffer.alloc((8 - (bytes.length % 8)) % 8)]);
    }),
  );
}

const file = (contents: string): string[] => ["(", "type", "regular", "contents", contents, ")"];
const entry = (name: string, node: string[]): string[] => ["entry", "(", "name", name, "node", ...node, ")"];
const directory = (...entries: string[][]): string[] => ["(", "type", "directory", ...entries.flat(), ")"];

let workspace = "";
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), "kiln-hostile-"));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

describe("unpacking refuses hostile or malformed NARs", () => {
  const cases: [string, Buffer, RegExp][] = [
    ["an entry named ..", nar("nix-archive-1", ...directory(entry("..", file("x")))), /entry '\.\.' .* is not allowed/],
    ["an entry named .", nar("nix-archive-1", ...directory(entry(".", file("x")))), /entry '\.' .* is not allowed/],
    ["a name with a slash", nar("nix-archive-1", ...directory(entry("a/b", file("x")))), /contains '\/' or NUL/],
    ["a name with NUL", nar("nix-archive-1", ...directory(entry("a\0b", file("x")))), /contains '\/' or NUL/],
    ["an empty name", nar("nix-archive-1", ...directory(entry("", file("x")))), /empty name/],
    ["duplicate entries", nar("nix-archive-1", ...directory(entry("a", file("1")), entry("a", file("2")))), /duplicate entry 'a'/],
    ["unsorted entries", nar("nix-archive-1", ...directory(entry("b", file("1")), entry("a", file("2")))), /is not sorted/],
    ["bad magic", nar("nix-archive-2", ...file("x")), /does not start with 'nix-archive-1'/],
    ["a truncated stream", nar("nix-archive-1", ...file("hello")).subarray(0, 100), /ends early/],
    ["an unknown node type", nar("nix-archive-1", "(", "type", "fifo", ")"), /unknown type 'fifo'/],
    ["trailing data", Buffer.concat([nar("nix-archive-1", ...file("x")), nar("extra")]), /trailing data/],
    ["non-zero padding", (() => {
      const bytes = nar("nix-archive-1", ...file("abc"));
      bytes[bytes.length - 16 - 1] = 1;
      return bytes;
    })(), /non-zero padding/],
  ];

  it.each(cases)("%s", async (_label, bytes, message) => {
    const destination = join(workspace, "out");
    const attempt = unpackNar(bytes, destination);
    await expect(attempt).rejects.toThrow(NarParseError);
    await expect(unpackNar(bytes, join(workspace, "again"))).rejects.toThrow(message);
    // What was unpacked before the refusal is gone, and nothing outside the destination was made.
    expect(existsSync(destination)).toBe(false);
    expect(readdirSync(workspace).filter((name) => name !== "out" && name !== "again")).toEqual([]);
    expect(existsSync(join(workspace, "..", "x"))).toBe(false);
  });

  it("refuses to unpack over an existing path", async () => {
    await expect(unpackNar(nar("nix-archive-1", ...file("x")), workspace)).rejects.toThrow(/already exists/);
  });

  it("unpacks a valid tree with an executable and a symlink", async () => {
    const bytes = nar(
      "nix-archive-1",
      ...directory(entry("bin", ["(", "type", "regular", "executable", "", "contents", "#!/bin/sh\n", ")"]), entry("link", ["(", "type", "symlink", "target", "bin", ")"])),
    );
    const destination = join(workspace, "tree");
    await unpackNar(bytes, destination);
    expect(readdirSync(destination).sort()).toEqual(["bin", "link"]);
  });
});
