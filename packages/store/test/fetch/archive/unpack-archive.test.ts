/**
 * unpackArchive on well-formed archives: every format gives the same tree as
 * the directory it was made from, and the NAR hash Nix's own
 * `nix-prefetch-url --unpack` computes for the same archive.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveFormatError, detectArchiveFormat, unpackArchive } from "../../../src/fetch/archive/index.js";
import {
  ARCHIVE_TREE,
  BUILD_FEATURE_TREE,
  describeTree,
  hasNixHash,
  hasNixPrefetchUrl,
  makeWorkspace,
  narHash,
  nixHash,
  nixPrefetchUnpack,
  python,
  removeWorkspace,
} from "./archive-test-helpers.js";

const FORMATS = ["tar-pax", "tar-gnu", "tar.gz", "tar.bz2", "tar.xz", "zip"] as const;
const DETECTED = { "tar-pax": "tar", "tar-gnu": "tar", "tar-ustar": "tar", "tar.gz": "tar.gz", "tar.bz2": "tar.bz2", "tar.xz": "tar.xz", zip: "zip" };
const UNICODE_NAME = "with space and ünïcødé ✓.txt";
const LONG_PATH = `${Array.from({ length: 6 }, (_, i) => `long-directory-name-0${i}`).join("/")}/a-file-with-a-rather-long-name-too.txt`;

let workspace = "";
let source = "";
let expected = "";
const archives = new Map<string, string>();
let counter = 0;

/** A destination path that does not exist yet. */
function destination(): string {
  return join(workspace, `out-${++counter}`);
}

beforeAll(() => {
  workspace = makeWorkspace("unpack");
  source = join(workspace, "source");
  mkdirSync(source);
  python(BUILD_FEATURE_TREE, source);
  expected = narHash(join(source, "proj-1.0"));
  for (const format of FORMATS) {
    const archive = join(workspace, `proj.${format}`);
    python(ARCHIVE_TREE, source, archive, "proj-1.0", format);
    archives.set(format, archive);
  }
});

afterAll(() => removeWorkspace(workspace));

describe("unpackArchive on the feature tree", () => {
  it.skipIf(!hasNixHash)("hashes the source tree as nix-hash does (the reference itself is right)", () => {
    expect(nixHash(join(source, "proj-1.0"))).toBe(expected);
  });

  it.each(FORMATS)("recognises %s by its first bytes", async (format) => {
    expect(await detectArchiveFormat(archives.get(format) as string)).toBe(DETECTED[format]);
  });

  it.each(FORMATS)("unpacks %s with stripRoot to exactly the source tree", async (format) => {
    const out = destination();
    await unpackArchive(archives.get(format) as string, out, { stripRoot: true });
    expect(narHash(out)).toBe(expected);

    const tree = describeTree(out);
    expect(tree).toContain(".: dir 755");
    expect(tree).toContain("bin/run.sh: file 755 19");
    expect(tree).toContain("README: file 644 15");
    expect(tree).toContain("link-to-readme: symlink -> README");
    expect(tree).toContain("bin/readme-up: symlink -> ../README");
    expect(tree).toContain("empty: dir 755");
    expect(tree).toContain("a/b/c/deep.txt: file 644 5");
    expect(tree).toContain(`${UNICODE_NAME}: file 644 ${Buffer.byteLength("ünïcødé ✓\n")}`);
    expect(tree).toContain(`${LONG_PATH}: file 644 10`);
    expect(tree).toContain(`long-link: symlink -> ${LONG_PATH}`);
    expect(readFileSync(join(out, "hardlink-to-readme"), "utf8")).toBe("hello, archive\n");
    expect(readFileSync(join(out, UNICODE_NAME), "utf8")).toBe("ünïcødé ✓\n");
    expect(statSync(join(out, "large.txt")).size).toBeGreaterThanOrEqual(4_000_000);
    expect(readFileSync(join(out, "large.txt")).equals(readFileSync(join(source, "proj-1.0", "large.txt")))).toBe(true);
  });

  it.each(FORMATS.filter((format) => format !== "zip"))("materialises the hard link in %s as a link to (or copy of) its target", async (format) => {
    const out = destination();
    await unpackArchive(archives.get(format) as string, out, { stripRoot: true });
    const link = statSync(join(out, "hardlink-to-readme"));
    expect(link.isFile()).toBe(true);
    expect(readFileSync(join(out, "hardlink-to-readme"), "utf8")).toBe(readFileSync(join(out, "README"), "utf8"));
  });

  it.each(FORMATS)("keeps the top-level directory of %s without stripRoot", async (format) => {
    const out = destination();
    await unpackArchive(archives.get(format) as string, out, { stripRoot: false });
    expect(readdirSync(out)).toEqual(["proj-1.0"]);
    expect(narHash(join(out, "proj-1.0"))).toBe(expected);
  });

  it.skipIf(!hasNixPrefetchUrl).each(FORMATS.filter((format) => format !== "zip"))("matches nix-prefetch-url --unpack for %s", async (format) => {
    const archive = archives.get(format) as string;
    const out = destination();
    await unpackArchive(archive, out, { stripRoot: true });
    const nix = nixPrefetchUnpack(archive);
    expect(narHash(out)).toBe(nix);
    expect(nix).toBe(expected);
  });

  // This nix-prefetch-url's libarchive runs in the C locale and refuses UTF-8 names in zips, so its zip has ASCII names.
  it.skipIf(!hasNixPrefetchUrl)("matches nix-prefetch-url --unpack for zip (ASCII names)", async () => {
    const base = join(workspace, "ascii-source");
    mkdirSync(base);
    python(BUILD_FEATURE_TREE, base, "ascii-only");
    const archive = join(workspace, "proj-ascii.zip");
    python(ARCHIVE_TREE, base, archive, "proj-1.0", "zip");
    const out = destination();
    await unpackArchive(archive, out, { stripRoot: true });
    expect(narHash(out)).toBe(narHash(join(base, "proj-1.0")));
    expect(nixPrefetchUnpack(archive)).toBe(narHash(out));
  });
});

describe("unpackArchive on other layouts", () => {
  it("reads a plain ustar tar, whose long names are split into prefix and name", async () => {
    const base = join(workspace, "ustar-source");
    mkdirSync(base);
    python(BUILD_FEATURE_TREE, base, "no-long-link");
    const archive = join(workspace, "proj.tar");
    python(ARCHIVE_TREE, base, archive, "proj-1.0", "tar-ustar");
    // ustar's name field holds 100 bytes; this name only fits with the prefix field.
    expect(`proj-1.0/${LONG_PATH}`.length).toBeGreaterThan(100);
    expect(await detectArchiveFormat(archive)).toBe("tar");
    const out = destination();
    await unpackArchive(archive, out, { stripRoot: true });
    expect(readFileSync(join(out, LONG_PATH), "utf8")).toBe("long path\n");
    expect(narHash(out)).toBe(narHash(join(base, "proj-1.0")));
    if (hasNixPrefetchUrl) expect(nixPrefetchUnpack(archive)).toBe(narHash(out));
  });

  it("normalises a leading './' away (tar made with `tar -C dir .`)", async () => {
    const archive = join(workspace, "dot.tar.gz");
    python(
      `import sys, tarfile
with tarfile.open(sys.argv[2], "w:gz") as tf: tf.add(sys.argv[1], arcname=".")`,
      source,
      archive,
    );
    const names = python(`import sys, tarfile\nprint("\\n".join(tarfile.open(sys.argv[1]).getnames()[:3]))`, archive).split("\n");
    expect(names.slice(0, 2)).toEqual([".", "./proj-1.0"]);
    const out = destination();
    await unpackArchive(archive, out, { stripRoot: true });
    expect(narHash(out)).toBe(expected);
    if (hasNixPrefetchUrl) expect(nixPrefetchUnpack(archive)).toBe(expected);
  });

  it("unpacks several top-level entries without stripRoot, as nix-prefetch-url does", async () => {
    const archive = join(workspace, "flat.tar.xz");
    python(
      `import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:xz") as tf:
    for name, data, mode in [("b.txt", b"bee\\n", 0o644), ("a.sh", b"#!/bin/sh\\n", 0o755)]:
        info = tarfile.TarInfo(name); info.size = len(data); info.mode = mode
        tf.addfile(info, io.BytesIO(data))
    info = tarfile.TarInfo("dir"); info.type = tarfile.DIRTYPE; info.mode = 0o700; tf.addfile(info)
    info = tarfile.TarInfo("dir/l"); info.type = tarfile.SYMTYPE; info.linkname = "../b.txt"; tf.addfile(info)`,
      archive,
    );
    const out = destination();
    await unpackArchive(archive, out, { stripRoot: false });
    expect(describeTree(out)).toEqual([".: dir 755", "a.sh: file 755 10", "b.txt: file 644 4", "dir: dir 755", "dir/l: symlink -> ../b.txt"]);
    if (hasNixPrefetchUrl) expect(nixPrefetchUnpack(archive)).toBe(narHash(out));
  });

  it("creates directories that only appear as parents of other entries", async () => {
    const archive = join(workspace, "implicit.zip");
    python(
      `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as zf: zf.writestr("root/x/y/z.txt", b"z")`,
      archive,
    );
    const out = destination();
    await unpackArchive(archive, out, { stripRoot: true });
    expect(describeTree(out)).toEqual([".: dir 755", "x: dir 755", "x/y: dir 755", "x/y/z.txt: file 644 1"]);
  });

  it("lets later entries replace earlier ones with the same name, as tar does", async () => {
    const archive = join(workspace, "duplicates.tar");
    python(
      `import io, sys, tarfile
def add(tf, name, kind, data=b"", link=""):
    info = tarfile.TarInfo(name); info.type = kind; info.linkname = link; info.size = len(data); info.mode = 0o644
    tf.addfile(info, io.BytesIO(data) if data else None)
with tarfile.open(sys.argv[1], "w") as tf:
    add(tf, "r/f", tarfile.REGTYPE, b"first")
    add(tf, "r/f", tarfile.REGTYPE, b"second")
    add(tf, "r/d", tarfile.DIRTYPE)
    add(tf, "r/d/inner", tarfile.REGTYPE, b"gone")
    add(tf, "r/d", tarfile.REGTYPE, b"now a file")
    add(tf, "r/s", tarfile.REGTYPE, b"was a file")
    add(tf, "r/s", tarfile.SYMTYPE, link="f")
    add(tf, "r/e", tarfile.SYMTYPE, link="f")
    add(tf, "r/e", tarfile.DIRTYPE)`,
      archive,
    );
    const out = destination();
    await unpackArchive(archive, out, { stripRoot: true });
    expect(describeTree(out)).toEqual([".: dir 755", "d: file 644 10", "e: dir 755", "f: file 644 6", "s: symlink -> f"]);
    expect(readFileSync(join(out, "f"), "utf8")).toBe("second");
  });

  it("keeps only the executable bit of file modes", async () => {
    const archive = join(workspace, "modes.zip");
    python(
      `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as zf:
    for name, mode in [("r/setuid", 0o104777), ("r/private", 0o100600), ("r/owner-x", 0o100700), ("r/group-x-only", 0o100070)]:
        info = zipfile.ZipInfo(name); info.create_system = 3; info.external_attr = mode << 16
        zf.writestr(info, b"x")
    info = zipfile.ZipInfo("r/dos.txt"); info.create_system = 0; info.external_attr = 0x20
    zf.writestr(info, b"dos")`,
      archive,
    );
    const out = destination();
    await unpackArchive(archive, out, { stripRoot: true });
    expect(describeTree(out)).toEqual([
      ".: dir 755",
      "dos.txt: file 644 3",
      "group-x-only: file 644 1",
      "owner-x: file 755 1",
      "private: file 644 1",
      "setuid: file 755 1",
    ]);
  });

  it("refuses a destination that already exists, and leaves it alone", async () => {
    const out = destination();
    mkdirSync(out);
    writeFileSync(join(out, "keep"), "mine");
    await expect(unpackArchive(archives.get("tar.gz") as string, out, { stripRoot: true })).rejects.toThrow(/EEXIST/);
    expect(readdirSync(out)).toEqual(["keep"]);
  });
});

describe("stripRoot", () => {
  async function expectLayoutError(archive: string, detail: RegExp): Promise<void> {
    const out = destination();
    const error = await unpackArchive(archive, out, { stripRoot: true }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ArchiveFormatError);
    const message = (error as Error).message;
    expect(message).toContain("zip/tar must contain a single directory with stripRoot");
    expect(message).toContain(archive);
    expect(message).toMatch(detail);
    expect(existsSync(out)).toBe(false);
  }

  it("refuses two top-level entries, naming both", async () => {
    const archive = join(workspace, "two-roots.tar.gz");
    python(
      `import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz") as tf:
    for name in ["one/a", "two/b"]:
        info = tarfile.TarInfo(name); info.size = 1; tf.addfile(info, io.BytesIO(b"x"))`,
      archive,
    );
    await expectLayoutError(archive, /more than one top-level entry \('one' and 'two'\)/);
  });

  it("refuses a zip whose single top-level entry is a file", async () => {
    const archive = join(workspace, "single-file.zip");
    python(`import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as zf: zf.writestr("lonely.txt", b"x")`, archive);
    await expectLayoutError(archive, /top-level entry 'lonely.txt' is not a directory/);
  });

  it("refuses an empty archive", async () => {
    const archive = join(workspace, "empty.zip");
    python(`import sys, zipfile\nzipfile.ZipFile(sys.argv[1], "w").close()`, archive);
    await expectLayoutError(archive, /it is empty/);
    // Without stripRoot an empty archive is an empty directory.
    const out = destination();
    await unpackArchive(archive, out, { stripRoot: false });
    expect(readdirSync(out)).toEqual([]);
  });
});

describe("symlinks that stay inside the tree", () => {
  it("accepts targets that climb with '..' but stay inside, and dangling ones", async () => {
    const archive = join(workspace, "inside-links.tar");
    python(
      `import sys, tarfile
with tarfile.open(sys.argv[1], "w") as tf:
    for name, link in [("r/a/b/up2", "../../top"), ("r/a/self", "."), ("r/a/dotdot", ".."), ("r/dangling", "no/such/file"), ("r/a/b/via", "../../a/self/b")]:
        info = tarfile.TarInfo(name); info.type = tarfile.SYMTYPE; info.linkname = link; tf.addfile(info)`,
      archive,
    );
    const out = destination();
    await unpackArchive(archive, out, { stripRoot: true });
    expect(readlinkSync(join(out, "a/b/up2"))).toBe("../../top");
    expect(readlinkSync(join(out, "a/dotdot"))).toBe("..");
    expect(readlinkSync(join(out, "dangling"))).toBe("no/such/file");
  });
});
