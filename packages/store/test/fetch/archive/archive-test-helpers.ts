/**
 * Shared helpers for the archive tests: archives are generated at test time
 * with python3's `tarfile`, `zipfile`, `bz2` and `lzma` modules (independent
 * implementations, and able to write hostile names and link targets), and
 * unpacked trees are compared with real Nix when it is installed.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashPathSync } from "@kiln/formats";

/** Whether `nix-prefetch-url` runs here; the Nix comparisons are skipped otherwise. */
export const hasNixPrefetchUrl = spawnSync("nix-prefetch-url", ["--version"]).status === 0;
/** Whether `nix-hash` runs here. */
export const hasNixHash = spawnSync("nix-hash", ["--version"]).status === 0;

/** Runs a python3 script (`sys.argv[1:]` are `args`) and returns its stdout; throws with its stderr if it fails. */
export function python(script: string, ...args: string[]): string {
  const result = spawnSync("python3", ["-c", script, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`python3 failed (${result.status}):\n${result.stderr}\n--- script ---\n${script}`);
  return result.stdout;
}

/**
 * Writes an executable shell script at `path` that appends its PID and
 * arguments to `log` and then runs `body` (which stands in for a decoding
 * program, running the real one); returns `path`.
 */
export function loggingScript(path: string, log: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\necho "$$ $*" >> '${log}'\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A fresh temporary directory; remove it with `rmSync(dir, { recursive: true, force: true })`. */
export function makeWorkspace(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `kiln-${prefix}-`));
}

/** Kiln's NAR hash of a tree, base32 as Nix prints it. */
export function narHash(path: string): string {
  return hashPathSync(path, "sha256").hash.toNixBase32();
}

let scratchStore: string | undefined;

/** A private Nix store for the comparisons, so that they add nothing to /nix/store; removed when the process exits. */
function nixScratchStore(): string {
  if (scratchStore === undefined) {
    const directory = mkdtempSync(join(tmpdir(), "kiln-archive-nix-"));
    process.once("exit", () => {
      // Nix leaves its store read-only.
      spawnSync("chmod", ["-R", "u+w", directory]);
      rmSync(directory, { recursive: true, force: true });
    });
    scratchStore = directory;
  }
  return scratchStore;
}

/**
 * What `nix-prefetch-url --unpack` reports for an archive: the NAR hash of
 * the unpacked tree, which (Nix 2.8) is the single top-level entry if there is
 * exactly one, else the whole unpacked directory.
 */
export function nixPrefetchUnpack(archive: string): string {
  const result = spawnSync(
    "nix-prefetch-url",
    ["--unpack", "--type", "sha256", `file://${archive}`, "--option", "substituters", "", "--store", nixScratchStore()],
    { encoding: "utf8", env: { ...process.env, NIX_REMOTE: "" } },
  );
  if (result.status !== 0) throw new Error(`nix-prefetch-url failed on ${archive}:\n${result.stderr}`);
  return result.stdout.trim();
}

/** `nix-hash --type sha256 --base32 <path>`: Nix's NAR hash of a tree on disk. */
export function nixHash(path: string): string {
  const result = spawnSync("nix-hash", ["--type", "sha256", "--base32", path], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`nix-hash failed on ${path}:\n${result.stderr}`);
  return result.stdout.trim();
}

/** Everything in a tree, as `path: description` lines, sorted: for exact assertions about what was unpacked. */
export function describeTree(root: string): string[] {
  const lines: string[] = [];
  const walk = (relative: string): void => {
    const path = relative === "" ? root : join(root, relative);
    const stat = lstatSync(path);
    const kind = stat.isSymbolicLink()
      ? `symlink -> ${readlinkSync(path)}`
      : stat.isDirectory()
        ? `dir ${(stat.mode & 0o777).toString(8)}`
        : stat.isFile()
          ? `file ${(stat.mode & 0o777).toString(8)} ${stat.size}`
          : "other";
    lines.push(`${relative === "" ? "." : relative}: ${kind}`);
    if (stat.isDirectory()) for (const name of readdirSync(path).sort()) walk(relative === "" ? name : `${relative}/${name}`);
  };
  walk("");
  return lines;
}

/** A file's contents as text. */
export function read(path: string): string {
  return readFileSync(path, "utf8");
}

/** Removes a workspace. */
export function removeWorkspace(dir: string): void {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
}

/**
 * Python that builds the feature tree used by the format tests under
 * `sys.argv[1]`/proj-1.0: an executable, symlinks inside the tree (one climbing
 * with `..`), nested and empty directories, a name with spaces and UTF-8, a
 * path and a symlink target over 100 bytes, a hard link, and a 4 MB file of
 * seeded pseudo-random but compressible text. With `no-long-link` in
 * `sys.argv[2:]` the long symlink target is left out (ustar cannot store it);
 * with `ascii-only` the UTF-8 name is replaced by an ASCII one (the
 * nix-prefetch-url here runs libarchive in the C locale, where it cannot read
 * UTF-8 names from a zip).
 */
export const BUILD_FEATURE_TREE = `
import os, random, sys
base = sys.argv[1]
root = os.path.join(base, "proj-1.0")
os.makedirs(os.path.join(root, "bin"))
os.makedirs(os.path.join(root, "a", "b", "c"))
os.makedirs(os.path.join(root, "empty"))
def write(rel, data, mode=0o644):
    path = os.path.join(root, rel)
    with open(path, "wb") as f: f.write(data)
    os.chmod(path, mode)
write("README", b"hello, archive\\n")
write("bin/run.sh", b"#!/bin/sh\\necho run\\n", 0o755)
write("a/b/c/deep.txt", b"deep\\n")
if "ascii-only" in sys.argv[2:]:
    write("with space.txt", b"plain\\n")
else:
    write("with space and ünïcødé ✓.txt", "ünïcødé ✓\\n".encode())
long_dir = "/".join(["long-directory-name-%02d" % i for i in range(6)])
os.makedirs(os.path.join(root, long_dir))
write(long_dir + "/a-file-with-a-rather-long-name-too.txt", b"long path\\n")
os.symlink("README", os.path.join(root, "link-to-readme"))
os.symlink("../README", os.path.join(root, "bin", "readme-up"))
if "no-long-link" not in sys.argv[2:]:
    os.symlink(long_dir + "/a-file-with-a-rather-long-name-too.txt", os.path.join(root, "long-link"))
os.link(os.path.join(root, "README"), os.path.join(root, "hardlink-to-readme"))
rng = random.Random(42)
words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(2000)]
chunks = []
size = 0
while size < 4_000_000:
    word = rng.choice(words)
    chunks.append(word)
    size += len(word) + 1
write("large.txt", b" ".join(chunks))
`;

/**
 * Python that archives the directory `sys.argv[1]`/`sys.argv[3]` into
 * `sys.argv[2]`, in a format chosen by `sys.argv[4]`: `tar-pax`, `tar-gnu`,
 * `tar-ustar` (plain tar), `tar.gz`, `tar.bz2`, `tar.xz`, or `zip`. Tar keeps
 * symlinks and hard links; zip stores symlinks as Unix-mode entries whose
 * contents are the target, and hard-linked files as plain copies.
 */
export const ARCHIVE_TREE = `
import os, sys, tarfile, zipfile
base, out, top, kind = sys.argv[1:5]
if kind == "zip":
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for dirpath, dirnames, filenames in os.walk(os.path.join(base, top)):
            dirnames.sort()
            rel = os.path.relpath(dirpath, base)
            info = zipfile.ZipInfo(rel + "/")
            info.create_system = 3
            info.external_attr = (0o40755 << 16) | 0x10
            zf.writestr(info, b"")
            for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
                path = os.path.join(dirpath, name)
                info = zipfile.ZipInfo(os.path.join(rel, name))
                info.create_system = 3
                if os.path.islink(path):
                    info.external_attr = 0o120777 << 16
                    zf.writestr(info, os.readlink(path).encode())
                else:
                    info.external_attr = (os.stat(path).st_mode & 0o177777) << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    with open(path, "rb") as f: zf.writestr(info, f.read())
else:
    formats = {"tar-pax": ("w", tarfile.PAX_FORMAT), "tar-gnu": ("w", tarfile.GNU_FORMAT), "tar-ustar": ("w", tarfile.USTAR_FORMAT),
               "tar.gz": ("w:gz", tarfile.PAX_FORMAT), "tar.bz2": ("w:bz2", tarfile.PAX_FORMAT), "tar.xz": ("w:xz", tarfile.PAX_FORMAT)}
    mode, fmt = formats[kind]
    with tarfile.open(out, mode, format=fmt) as tf:
        tf.add(os.path.join(base, top), arcname=top)
`;

/** `bytes` handed out in pieces of `size` as they are asked for, counting how many bytes were taken so far. */
export function countedPieces(bytes: Buffer, size = 4096): { pieces: Iterable<Buffer>; taken: () => number } {
  let taken = 0;
  function* pieces(): Generator<Buffer, void, undefined> {
    for (let at = 0; at < bytes.length; at += size) {
      const piece = bytes.subarray(at, at + size);
      taken += piece.length;
      yield piece;
    }
  }
  return { pieces: pieces(), taken: () => taken };
}
