import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryTokens, entryTokens, narTokens, regularTokens, symlinkTokens } from "../nar-tokens.js";
import { hashString } from "../../src/store/hash.js";
import { NarDumpError } from "../../src/store/nar-errors.js";
import { hashFile, hashFileSync, hashPath, hashPathSync, hashTextSync } from "../../src/store/nar-hash.js";
import { parseNar, type NarPath } from "../../src/store/nar-reader.js";
import { unpackNar } from "../../src/store/nar-unpack.js";
import { NAR_MAGIC, narChunks, narChunksOfText, narStream, writeNarOfPath, writeNarOfText } from "../../src/store/nar-writer.js";
import { makeFixedOutputPath } from "../../src/store/store-path.js";

let workspace = "";
beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), "kiln-nar-unit-"));
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** A fresh directory for one test. */
function scratch(name: string): string {
  const directory = join(workspace, name);
  mkdirSync(directory);
  return directory;
}

function narOf(path: string | Buffer): Buffer {
  return Buffer.concat([...narChunks(path)]);
}

function writeFile(path: string | Buffer, contents: string | Uint8Array, mode: number): void {
  writeFileSync(path, contents);
  // chmod after writing, so the umask does not decide the mode.
  chmodSync(path, mode);
}

/** The byte name `a\xffb`: not UTF-8, which Linux allows and Nix archives as is. */
const NON_UTF8_NAME = Buffer.from([0x61, 0xff, 0x62]);

/**
 * A directory `d` with a file whose name is not UTF-8 and a file whose only
 * executable bit is the group's. The expected values are Nix 2.8's:
 * `nix-store --dump d | base64`, `nix-hash --type sha256 --base32 d`, and
 * `nix-store --store 'local?root=/tmp/r&store=/opt/kiln/store' --add d`
 * (and `--add-fixed --recursive sha512 d`).
 */
function makeOddTree(parent: string): string {
  const root = join(parent, "d");
  mkdirSync(root);
  writeFile(Buffer.concat([Buffer.from(`${root}/`), NON_UTF8_NAME]), "hi", 0o644);
  writeFile(join(root, ".hid"), "x", 0o610);
  return root;
}
const ODD_TREE_NAR =
  "DQAAAAAAAABuaXgtYXJjaGl2ZS0xAAAAAQAAAAAAAAAoAAAAAAAAAAQAAAAAAAAAdHlwZQAAAAAJAAAAAAAAAGRpcmVjdG9yeQAAAAAAAAAFAAAAAAAAAGVudHJ5AAAAAQAAAAAAAAAoAAAAAAAAAAQAAAAAAAAAbmFtZQAAAAAEAAAAAAAAAC5oaWQAAAAABAAAAAAAAABub2RlAAAAAAEAAAAAAAAAKAAAAAAAAAAEAAAAAAAAAHR5cGUAAAAABwAAAAAAAAByZWd1bGFyAAgAAAAAAAAAY29udGVudHMBAAAAAAAAAHgAAAAAAAAAAQAAAAAAAAApAAAAAAAAAAEAAAAAAAAAKQAAAAAAAAAFAAAAAAAAAGVudHJ5AAAAAQAAAAAAAAAoAAAAAAAAAAQAAAAAAAAAbmFtZQAAAAADAAAAAAAAAGH/YgAAAAAABAAAAAAAAABub2RlAAAAAAEAAAAAAAAAKAAAAAAAAAAEAAAAAAAAAHR5cGUAAAAABwAAAAAAAAByZWd1bGFyAAgAAAAAAAAAY29udGVudHMCAAAAAAAAAGhpAAAAAAAAAQAAAAAAAAApAAAAAAAAAAEAAAAAAAAAKQAAAAAAAAABAAAAAAAAACkAAAAAAAAA";

describe("writing a NAR as nix-store --dump does", () => {
  it("frames a regular file: magic, type, contents, each padded to 8 bytes", () => {
    const directory = scratch("regular");
    writeFile(join(directory, "f"), "hello", 0o644);
    expect(narOf(join(directory, "f")).equals(narTokens(NAR_MAGIC, ...regularTokens("hello")))).toBe(true);
  });

  it("marks a file executable when the owner may execute it", () => {
    const directory = scratch("executable");
    writeFile(join(directory, "f"), "#!/bin/sh\n", 0o700);
    expect(narOf(join(directory, "f")).equals(narTokens(NAR_MAGIC, ...regularTokens("#!/bin/sh\n", true)))).toBe(true);
  });

  it("ignores the group's and others' executable bits, as Nix tests only S_IXUSR", () => {
    const directory = scratch("group-executable");
    writeFile(join(directory, "f"), "", 0o611);
    expect(narOf(join(directory, "f")).equals(narTokens(NAR_MAGIC, ...regularTokens("")))).toBe(true);
  });

  it("archives a symlink as its target, without following it, even at the root", () => {
    const directory = scratch("symlink");
    symlinkSync("../nowhere", join(directory, "link"));
    expect(narOf(join(directory, "link")).equals(narTokens(NAR_MAGIC, ...symlinkTokens("../nowhere")))).toBe(true);
  });

  it("archives an empty directory", () => {
    expect(narOf(scratch("empty")).equals(narTokens(NAR_MAGIC, ...directoryTokens()))).toBe(true);
  });

  it("sorts entries by the bytes of their names, not by UTF-16 code units", () => {
    const directory = scratch("order");
    // UTF-16 puts U+1F600 (a surrogate pair, 0xD83D…) before U+FFFD; UTF-8 bytes (F0… vs EF…) put it after.
    const names = ["\u{1F600}", "\uFFFD", "é", "a", "B", "a\nb", "a b"];
    for (const name of names) writeFile(join(directory, name), name, 0o644);
    const sorted = ["B", "a", "a\nb", "a b", "é", "\uFFFD", "\u{1F600}"];
    expect(narOf(directory).equals(narTokens(NAR_MAGIC, ...directoryTokens(...sorted.map((name) => entryTokens(name, regularTokens(name))))))).toBe(true);
  });

  it("matches Nix byte for byte on a name that is not UTF-8", () => {
    const root = makeOddTree(scratch("odd"));
    expect(narOf(root).toString("base64")).toBe(ODD_TREE_NAR);
    const { hash, narSize } = hashPathSync(root);
    expect(hash.toNixBase32()).toBe("01m9vgmj2v1lwl8427h72xgpkc8ickaaz0qrqkl1my4sv1077jc9");
    expect(narSize).toBe(Buffer.from(ODD_TREE_NAR, "base64").length);
    expect(makeFixedOutputPath("recursive", hash, "d", "/opt/kiln/store")).toBe("/opt/kiln/store/a2jfkdnsh9kqv27m1a1l09bbavf4ib8m-d");
    expect(makeFixedOutputPath("recursive", hashPathSync(root, "sha512").hash, "d", "/opt/kiln/store")).toBe("/opt/kiln/store/72ffy5yg4zm4n0fy8jyqad2vc0ir6j9r-d");
  });

  it("takes the root as a Buffer, so a root whose name is not UTF-8 can be archived", () => {
    const directory = scratch("buffer-root");
    const root = Buffer.concat([Buffer.from(`${directory}/`), NON_UTF8_NAME]);
    writeFile(root, "hi", 0o644);
    expect(narOf(root).equals(narTokens(NAR_MAGIC, ...regularTokens("hi")))).toBe(true);
  });

  it("writes the NAR of an in-memory text as that of a file holding it", () => {
    const directory = scratch("text");
    writeFile(join(directory, "t"), "text\n", 0o644);
    expect(Buffer.concat([...narChunksOfText("text\n")]).equals(narOf(join(directory, "t")))).toBe(true);
    expect(Buffer.concat([...narChunksOfText("x", true)]).equals(narTokens(NAR_MAGIC, ...regularTokens("x", true)))).toBe(true);
    const written: Uint8Array[] = [];
    writeNarOfText("text\n", (chunk) => written.push(chunk));
    expect(Buffer.concat(written).equals(narOf(join(directory, "t")))).toBe(true);
  });

  it("gives the same bytes through the stream and the write callback", async () => {
    const root = makeOddTree(scratch("stream"));
    const streamed: Buffer[] = [];
    for await (const chunk of narStream(root)) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed).equals(narOf(root))).toBe(true);
    const written: Uint8Array[] = [];
    writeNarOfPath(root, (chunk) => written.push(chunk));
    expect(Buffer.concat(written).equals(narOf(root))).toBe(true);
  });

  it("reads a big file in chunks of at most 64 KiB", () => {
    const directory = scratch("big");
    const size = (1 << 20) + 3;
    writeFile(join(directory, "big"), Buffer.alloc(size, 0x5a), 0o644);
    let narSize = 0;
    let largest = 0;
    for (const chunk of narChunks(directory)) {
      narSize += chunk.length;
      largest = Math.max(largest, chunk.length);
    }
    expect(largest).toBe(1 << 16);
    // Framing of a directory with one entry, plus the contents padded to 8 bytes.
    const framing = narTokens(NAR_MAGIC, ...directoryTokens(entryTokens("big", regularTokens("")))).length;
    expect(narSize).toBe(framing + size + 5);
    expect(hashPathSync(directory).narSize).toBe(narSize);
  });
});

describe("what cannot be archived is refused with the path named", () => {
  it("a socket", async () => {
    const directory = scratch("socket");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(directory, "sock"), resolve));
    try {
      expect(() => narOf(directory)).toThrow(NarDumpError);
      expect(() => narOf(directory)).toThrow(`'${join(directory, "sock")}' has an unsupported file type`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.skipIf(spawnSync("mkfifo", ["--version"]).status !== 0)("a fifo (needs mkfifo)", () => {
    const directory = scratch("fifo");
    execFileSync("mkfifo", [join(directory, "pipe")]);
    expect(() => hashPathSync(directory)).toThrow(NarDumpError);
    expect(() => hashPathSync(directory)).toThrow(/pipe' has an unsupported file type/);
  });

  it("a path that does not exist", async () => {
    const missing = join(workspace, "missing");
    expect(() => hashPathSync(missing)).toThrow(NarDumpError);
    await expect(hashPath(missing)).rejects.toThrow(`cannot read '${missing}'`);
  });
});

describe("hashing paths and files", () => {
  it("gives the same NAR hash and size synchronously and asynchronously, in every algorithm", async () => {
    const root = makeOddTree(scratch("hash-both"));
    for (const algorithm of ["md5", "sha1", "sha256", "sha512"] as const) {
      const sync = hashPathSync(root, algorithm);
      const async = await hashPath(root, algorithm);
      expect(async.hash.equals(sync.hash), algorithm).toBe(true);
      expect(async.narSize).toBe(sync.narSize);
      expect(sync.hash.equals(hashString(algorithm, narOf(root)))).toBe(true);
    }
  });

  it("hashes an in-memory text as the file holding it, without the file", () => {
    const text = 'Derive([("out","/nix/store/x-\u00e9t\u00e9","","")],[],[],"x",["\u{1F600}"],[])';
    const file = join(scratch("text-hash"), "f");
    writeFileSync(file, text);
    const fromFile = hashPathSync(file);
    const fromText = hashTextSync(text);
    expect(fromText.hash.equals(fromFile.hash)).toBe(true);
    expect(fromText.narSize).toBe(fromFile.narSize);
  });

  it("hashes an in-memory text of every padding length (and none) as the file holding it", () => {
    const directory = scratch("text-hash-lengths");
    for (let length = 0; length <= 17; length++) {
      const text = "d\u00e9".repeat(length).slice(0, length);
      const file = join(directory, `f${length}`);
      writeFileSync(file, text);
      for (const algorithm of ["sha256", "sha1"] as const) {
        const fromFile = hashPathSync(file, algorithm);
        const fromText = hashTextSync(Buffer.from(text), algorithm);
        expect(fromText.hash.equals(fromFile.hash), `${length} chars, ${algorithm}`).toBe(true);
        expect(fromText.narSize).toBe(fromFile.narSize);
      }
    }
  });

  it("hashes a file flat, following a symlink as nix-hash --flat does", async () => {
    const directory = scratch("flat");
    writeFile(join(directory, "f"), "y", 0o644);
    symlinkSync("f", join(directory, "link"));
    // printf y | sha1sum
    expect(hashFileSync(join(directory, "f"), "sha1").toBase16()).toBe("95cb0bfd2977c761298d9624e4b4d4c72a39974a");
    expect((await hashFile(join(directory, "link"), "sha1")).toBase16()).toBe("95cb0bfd2977c761298d9624e4b4d4c72a39974a");
    expect((await hashFile(join(directory, "f"))).equals(hashString("sha256", "y"))).toBe(true);
  });

  it("hashes a big file flat the same way in both drivers", async () => {
    const directory = scratch("flat-big");
    const contents = Buffer.alloc(300_000).map((_, i) => (i * 7) & 0xff);
    writeFile(join(directory, "f"), contents, 0o644);
    expect(hashFileSync(join(directory, "f")).equals(hashString("sha256", contents))).toBe(true);
    expect((await hashFile(join(directory, "f"), "sha512")).equals(hashString("sha512", contents))).toBe(true);
  });
});

describe("unpacking restores what was archived", () => {
  it("restores names that are not UTF-8 and the executable bit, so the NAR is identical", async () => {
    const root = makeOddTree(scratch("round-trip"));
    const destination = join(workspace, "round-trip-out");
    await unpackNar(narChunks(root), destination);
    expect(narOf(destination).equals(narOf(root))).toBe(true);
    expect(readFileSync(Buffer.concat([Buffer.from(`${destination}/`), NON_UTF8_NAME]), "utf8")).toBe("hi");
  });

  it("reports every node to a visitor, with raw names", async () => {
    const root = makeOddTree(scratch("visit"));
    symlinkSync(NON_UTF8_NAME, join(root, "link"));
    const seen: string[] = [];
    const show = (path: NarPath): string => path.map((name) => name.toString("hex")).join("/");
    await parseNar(narStream(root), {
      directory: (path) => void seen.push(`dir ${show(path)}`),
      symlink: (path, target) => void seen.push(`link ${show(path)} -> ${target.toString("hex")}`),
      file: (path, executable, size) => void seen.push(`file ${show(path)} ${executable} ${size}`),
    });
    expect(seen).toEqual(["dir ", "file 2e686964 false 1", "file 61ff62 false 2", "link 6c696e6b -> 61ff62"]);
  });
});

const hasNix = spawnSync("nix-store", ["--version"]).status === 0 && spawnSync("nix-hash", ["--version"]).status === 0;

describe.skipIf(!hasNix)("odd trees agree with the installed nix-store --dump and nix-hash (skipped: Nix is not on PATH)", () => {
  it("agrees on names, modes and targets that are easy to get wrong", () => {
    const root = join(scratch("live"), "tree");
    mkdirSync(root);
    const at = (...names: (string | Buffer)[]): Buffer => Buffer.concat([Buffer.from(root), ...names.flatMap((name) => [Buffer.from("/"), Buffer.from(name)])]);
    writeFile(at(NON_UTF8_NAME), "not utf-8", 0o644);
    writeFile(at("owner-x"), "a", 0o744);
    writeFile(at("group-x"), "b", 0o654);
    writeFile(at("others-x"), "c", 0o645);
    writeFile(at("read-only"), "d", 0o400);
    writeFile(at("exactly-8"), "12345678", 0o644);
    writeFile(at("empty"), "", 0o755);
    symlinkSync(NON_UTF8_NAME, at("odd-link"));
    symlinkSync("/absolute/target with spaces", at("abs-link"));
    mkdirSync(at("nested"));
    mkdirSync(at("nested", "\u{1F600}"));
    mkdirSync(at("nested", "\uFFFD"));
    writeFile(at("nested", "new\nline"), "\0\0\0", 0o644);
    const dumped = execFileSync("nix-store", ["--dump", root]);
    expect(narOf(root).equals(dumped)).toBe(true);
    for (const algorithm of ["md5", "sha1", "sha256", "sha512"] as const) {
      const expected = execFileSync("nix-hash", ["--type", algorithm, "--base32", root], { encoding: "utf8" }).trim();
      expect(hashPathSync(root, algorithm).hash.toNixBase32(), algorithm).toBe(expected);
    }
  });
});
