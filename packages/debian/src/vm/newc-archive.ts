/**
 * A writer of cpio archives in the "new ASCII" (`newc`) format, the one the
 * Linux kernel unpacks as an initramfs (Documentation/driver-api/early-userspace/buffer-format.rst)
 * and `cpio -H newc` writes. NixOS's `makeInitrd` runs `cpio` for this; Kiln
 * writes the few bytes of each header itself, so no tool has to be built or
 * taken from the host, and every entry's owner and mode are exactly the ones
 * given (an activated `/etc/shadow` stays `0640`, a home stays its user's),
 * which a store path, normalised to root and `0444`/`0555`, cannot keep.
 *
 * Entries get mtime 0 and inode numbers by position, so the same entries
 * give the same bytes.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from "node:fs";
import { join } from "node:path";

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** Who owns an entry, and its permission bits. */
export interface NewcOwnership {
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
}

/** An archive being written: entries in the order added, each parent directory before what it holds. */
export class NewcArchive {
  private readonly chunks: Buffer[] = [];
  private readonly directories = new Set<string>([""]);
  private inode = 1;

  /** Adds the directory `path` (relative, `/`-separated), and its parents when missing (mode `0755`, root's). */
  directory(path: string, ownership: NewcOwnership = { mode: 0o755 }): void {
    const clean = normalise(path);
    if (this.directories.has(clean)) return;
    this.parents(clean);
    this.directories.add(clean);
    this.entry(clean, S_IFDIR | (ownership.mode & 0o7777), ownership, Buffer.alloc(0), 2);
  }

  /** Adds a regular file with `contents`. */
  file(path: string, contents: Buffer | string, ownership: NewcOwnership = { mode: 0o644 }): void {
    const clean = normalise(path);
    this.parents(clean);
    this.entry(clean, S_IFREG | (ownership.mode & 0o7777), ownership, typeof contents === "string" ? Buffer.from(contents) : contents, 1);
  }

  /** Adds a symbolic link to `target`. */
  symlink(path: string, target: string, ownership: Omit<NewcOwnership, "mode"> = {}): void {
    const clean = normalise(path);
    this.parents(clean);
    this.entry(clean, S_IFLNK | 0o777, ownership, Buffer.from(target), 1);
  }

  /**
   * Adds the tree at `source` (on this machine) as `path`, with the modes it
   * has and the owners `owner` gives (by default, those it has):
   * directories, files and symbolic links (anything else, a socket or
   * device, is left out).
   */
  tree(source: string, path: string, owner: (path: string, stat: Stats) => { uid: number; gid: number } = (_, stat) => stat): void {
    const stat = lstatSync(source);
    const { uid, gid } = owner(path, stat);
    const ownership = { mode: stat.mode, uid, gid };
    if (stat.isSymbolicLink()) this.symlink(path, readlinkSync(source), ownership);
    else if (stat.isFile()) this.file(path, readFileSync(source), ownership);
    else if (stat.isDirectory()) {
      this.directory(path, ownership);
      for (const name of readdirSync(source).sort()) this.tree(join(source, name), path === "" ? name : `${path}/${name}`, owner);
    }
  }

  /** The archive's bytes, with its trailer. */
  bytes(): Buffer {
    const trailer = header("TRAILER!!!", 0, 0, {}, 0, 1);
    return Buffer.concat([...this.chunks, trailer]);
  }

  private parents(path: string): void {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) this.directory(parts.slice(0, i).join("/"));
  }

  private entry(path: string, mode: number, ownership: Omit<NewcOwnership, "mode">, data: Buffer, links: number): void {
    this.chunks.push(header(path, this.inode++, mode, ownership, data.length, links), data, padding(data.length));
  }
}

function normalise(path: string): string {
  return path.split("/").filter((part) => part !== "" && part !== ".").join("/");
}

/** Zero bytes that bring `length` to a multiple of four, as each header and each file's data is aligned. */
function padding(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

function header(name: string, inode: number, mode: number, ownership: Omit<NewcOwnership, "mode">, size: number, links: number): Buffer {
  const fields = [inode, mode, ownership.uid ?? 0, ownership.gid ?? 0, links, 0, size, 0, 0, 0, 0, Buffer.byteLength(name) + 1, 0];
  const text = `070701${fields.map((field) => field.toString(16).padStart(8, "0")).join("")}${name}\0`;
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([bytes, padding(bytes.length)]);
}
