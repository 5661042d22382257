/**
 * `.deb`s whose members are zstd-compressed (`data.tar.zst`,
 * `control.tar.zst`, as Ubuntu's are): unpacked like xz ones, by the same
 * safe unpacker, so a hostile member writes nothing outside the tree.
 * Members are made at test time with python3's `tarfile` (which can write
 * hostile names) and the host's `zstd`; the result is compared with
 * `dpkg-deb -x` where it is installed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DebianArchiveError, unpackDeb } from "../src/index.js";

const hasTools = spawnSync("zstd", ["--version"]).status === 0 && spawnSync("python3", ["--version"]).status === 0;
if (!hasTools) console.warn("skipping the zstd .deb tests: they need the zstd and python3 programs to make their archives");
const hasDpkgDeb = spawnSync("dpkg-deb", ["--version"]).status === 0;

/** One entry of a tar made by python3: a file with text, a directory, or a symlink. */
type Entry = { name: string; text: string } | { name: string; dir: true } | { name: string; symlink: string };

/** A tar of `entries` (in order), made by python3's tarfile. */
function tar(entries: readonly Entry[]): Buffer {
  const script = `
import io, json, sys, tarfile
out = io.BytesIO()
with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as t:
    for e in json.loads(sys.argv[1]):
        info = tarfile.TarInfo(e["name"])
        info.mtime = 0
        if "dir" in e:
            info.type = tarfile.DIRTYPE; info.mode = 0o755; t.addfile(info)
        elif "symlink" in e:
            info.type = tarfile.SYMTYPE; info.linkname = e["symlink"]; t.addfile(info)
        else:
            data = e["text"].encode(); info.size = len(data); info.mode = 0o755; t.addfile(info, io.BytesIO(data))
sys.stdout.buffer.write(out.getvalue())
`;
  const result = spawnSync("python3", ["-c", script, JSON.stringify(entries)], { maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(result.stderr.toString());
  return result.stdout;
}

function zstd(bytes: Buffer): Buffer {
  const result = spawnSync("zstd", ["-q", "-c", "-19"], { input: bytes, maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(result.stderr.toString());
  return result.stdout;
}

/** An `ar` archive of `members`, as deb(5) lays it out. */
function ar(members: ReadonlyArray<readonly [string, Buffer]>): Buffer {
  const parts: Buffer[] = [Buffer.from("!<arch>\n")];
  for (const [name, data] of members) {
    const header = `${name.padEnd(16)}${"0".padEnd(12)}${"0".padEnd(6)}${"0".padEnd(6)}${"100644".padEnd(8)}${String(data.length).padEnd(10)}\`\n`;
    parts.push(Buffer.from(header, "latin1"), data);
    if (data.length % 2 === 1) parts.push(Buffer.from("\n"));
  }
  return Buffer.concat(parts);
}

const CONTROL = tar([
  { name: "./", dir: true },
  { name: "./control", text: "Package: hello-zst\nVersion: 1.0\nArchitecture: amd64\nDescription: test\n" },
  { name: "./postinst", text: "#!/bin/sh\nupdate-alternatives --install /usr/bin/editor editor /usr/bin/hello 50\n" },
]);

function deb(data: Buffer, control: Buffer = zstd(CONTROL)): Buffer {
  return ar([
    ["debian-binary", Buffer.from("2.0\n")],
    ["control.tar.zst", control],
    ["data.tar.zst", data],
  ]);
}

describe.skipIf(!hasTools)("zstd-compressed .deb members", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "kiln-debian-zstd-"));
    mkdirSync(join(dir, "scratch"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("unpacks data.tar.zst as dpkg-deb -x does, absolute symlinks kept, and control.tar.zst apart from the files", async () => {
    const file = join(dir, "hello.deb");
    writeFileSync(
      file,
      deb(
        zstd(
          tar([
            { name: "./", dir: true },
            { name: "./usr/", dir: true },
            { name: "./usr/bin/", dir: true },
            { name: "./usr/bin/hello", text: "#!/bin/sh\necho hello\n" },
            { name: "./usr/bin/hi", symlink: "hello" },
            { name: "./usr/bin/sh-link", symlink: "/bin/sh" },
          ]),
        ),
      ),
    );
    const out = join(dir, "out");
    const control = join(dir, "control");
    await unpackDeb(file, out, join(dir, "scratch"), control);
    expect(readFileSync(join(out, "usr/bin/hello"), "utf8")).toBe("#!/bin/sh\necho hello\n");
    expect(lstatSync(join(out, "usr/bin/hello")).mode & 0o111).not.toBe(0);
    expect(readlinkSync(join(out, "usr/bin/hi"))).toBe("hello");
    expect(readlinkSync(join(out, "usr/bin/sh-link"))).toBe("/bin/sh");
    expect(readdirSync(out)).toEqual(["usr"]);
    if (hasDpkgDeb) {
      const reference = join(dir, "dpkg");
      expect(spawnSync("dpkg-deb", ["-x", file, reference]).status).toBe(0);
      const list = (root: string): string[] => spawnSync("find", [".", "-printf", "%p %y %l\n"], { cwd: root, encoding: "utf8" }).stdout.split("\n").sort();
      expect(list(out)).toEqual(list(reference));
    }
    expect(readFileSync(join(control, "postinst"), "utf8")).toMatch(/update-alternatives --install \/usr\/bin\/editor/);
  });

  it("refuses a data.tar.zst entry that climbs out of the tree, and writes nothing outside", async () => {
    const file = join(dir, "evil.deb");
    writeFileSync(file, deb(zstd(tar([{ name: "./usr/", dir: true }, { name: "../../evil", text: "gotcha\n" }]))));
    const out = join(dir, "deep", "out");
    mkdirSync(join(dir, "deep"));
    await expect(unpackDeb(file, out, join(dir, "scratch"))).rejects.toThrow(/evil/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, "evil"))).toBe(false);
    expect(existsSync(join(tmpdir(), "evil"))).toBe(false);
  });

  it("writes nothing through a symlink that points outside (usr -> /etc, then usr/evil)", async () => {
    const file = join(dir, "link.deb");
    const outside = join(dir, "outside");
    mkdirSync(outside);
    writeFileSync(file, deb(zstd(tar([{ name: "./usr", symlink: outside }, { name: "./usr/evil", text: "gotcha\n" }]))));
    const out = join(dir, "out");
    await expect(unpackDeb(file, out, join(dir, "scratch"))).rejects.toThrow();
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a truncated or corrupt zstd member with an error naming the .deb and the member", async () => {
    const good = zstd(tar([{ name: "./usr/", dir: true }, { name: "./usr/x", text: "x".repeat(100_000) }]));
    for (const [label, data] of [
      ["truncated", good.subarray(0, good.length - 20)],
      ["corrupt", Buffer.concat([good.subarray(0, 12), Buffer.alloc(200, 0xff), good.subarray(212)])],
    ] as const) {
      const file = join(dir, `${label}.deb`);
      writeFileSync(file, deb(data));
      const out = join(dir, `out-${label}`);
      const error = await unpackDeb(file, out, join(dir, "scratch")).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DebianArchiveError);
      expect((error as Error).message).toMatch(new RegExp(`'${file}': its member 'data\\.tar\\.zst' is not a valid zstd stream`));
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(join(dir, "scratch"))).toEqual([]);
      rmSync(join(dir, "scratch"), { recursive: true });
      mkdirSync(join(dir, "scratch"));
    }
  });
});
