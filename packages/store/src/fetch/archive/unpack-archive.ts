/**
 * Unpacking a downloaded archive into a directory, as `fetchzip` and
 * `nix-prefetch-url --unpack` do: tar (plain, gzip, bzip2 or xz) or zip,
 * recognised by its first bytes, never by its name.
 *
 * Archives come from elsewhere, so the unpacker trusts nothing in them. It
 * refuses, before writing the entry in question, names with a `..` component
 * or a leading `/`, symlinks and hard links that point outside the tree,
 * device files and fifos, and any path that would go through a symlink. It
 * keeps its own record of every node it created, so it never asks the file
 * system what a path is, never follows a symlink while writing, and creates
 * files exclusively: nothing is written outside the destination. Because
 * later entries can change what an earlier symlink's target resolves to,
 * every symlink is checked once more against the finished tree. If anything
 * fails, the destination is removed again.
 *
 * Only the executable bit survives: files are written 0644 or 0755 and
 * directories 0755, which is all a NAR (and so a Nix hash) can record.
 * Entries named twice are replaced by the later one, as tar does. Names are
 * handled as raw bytes, so names that are not UTF-8 are unpacked unchanged.
 */
import { createReadStream } from "node:fs";
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  fchmodSync,
  linkSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { ArchiveFormatError, UnsafeArchiveError } from "./archive-errors.js";
import { bzip2DecompressFile } from "./bzip2-decompress-file.js";
import { readTar, type TarEntry } from "./tar-reader.js";
import { xzDecompressFile } from "./xz-decompress-file.js";
import { readZip } from "./zip-reader.js";

/** The archive formats {@link unpackArchive} recognises. */
export type ArchiveFormat = "tar" | "tar.gz" | "tar.bz2" | "tar.xz" | "zip";

/** How {@link unpackArchive} lays the archive out. */
export interface UnpackOptions {
  /**
   * Whether the archive's single top-level directory becomes the destination
   * (`fetchzip`'s default), rather than the archive's top level itself. With
   * it, an archive with anything but exactly one top-level entry, a
   * directory, is an error.
   */
  readonly stripRoot: boolean;
  /**
   * Keep symlinks with absolute targets as they are, rather than refusing
   * them. For trees that are mounted as a root file system later (a Debian
   * package's `lib64/ld-linux-x86-64.so.2 -> /lib/...`), where the target
   * means a path in that file system. The unpacker never follows a symlink
   * while writing, so an absolute target cannot make it write outside.
   */
  readonly absoluteSymlinks?: boolean;
}

const READ_CHUNK = 1 << 20;
/** As the kernel's limit on symlinks followed while resolving one path. */
const MAX_SYMLINK_EXPANSIONS = 40;

/**
 * Finds out what kind of archive `file` is from its first bytes.
 *
 * @throws ArchiveFormatError if it is none Kiln can unpack.
 */
export async function detectArchiveFormat(file: string): Promise<ArchiveFormat> {
  const handle = await open(file, "r");
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const startsWith = (...bytes: number[]): boolean => bytes.every((byte, i) => head[i] === byte);
  if (startsWith(0x1f, 0x8b)) return "tar.gz";
  if (startsWith(0x42, 0x5a, 0x68) && (head[3] ?? 0) >= 0x31 && (head[3] ?? 0) <= 0x39) return "tar.bz2";
  if (startsWith(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "tar.xz";
  if (startsWith(0x50, 0x4b, 0x03, 0x04) || startsWith(0x50, 0x4b, 0x05, 0x06)) return "zip";
  if (head.toString("latin1", 257, 262) === "ustar") return "tar";
  // An empty tar is nothing but zero blocks.
  if (head.length === 1024 && head.every((byte) => byte === 0)) return "tar";
  if (startsWith(0x28, 0xb5, 0x2f, 0xfd)) throw new ArchiveFormatError(`cannot unpack '${file}': zstd compression is not supported`);
  if (head.length === 0) throw new ArchiveFormatError(`cannot unpack '${file}': the file is empty`);
  throw new ArchiveFormatError(
    `cannot unpack '${file}': not a recognised archive (by its first bytes it is none of tar, tar.gz, tar.bz2, tar.xz or zip)`,
  );
}

/**
 * Unpacks `archiveFile` (tar, tar.gz, tar.bz2, tar.xz or zip) into
 * `destination`, which must not exist yet and is created (its parent must
 * exist). With `stripRoot`, the archive must hold exactly one top-level
 * entry, a directory, and its contents become `destination`, as with
 * nixpkgs' `fetchzip`; without, the archive's top level does.
 *
 * On any error the destination is removed again, so it either holds the
 * whole archive or does not exist.
 *
 * @throws UnsafeArchiveError for an entry that could write or point outside
 *   the destination, or is a device file, fifo or socket.
 * @throws ArchiveFormatError for an unknown, corrupt or truncated archive,
 *   or one that does not fit `stripRoot`.
 */
export async function unpackArchive(archiveFile: string, destination: string, options: UnpackOptions): Promise<void> {
  const format = await detectArchiveFormat(archiveFile);
  const decoding = { programs: true, programUsed: false };
  try {
    await unpackOnce(archiveFile, destination, options, format, decoding);
  } catch (error) {
    // A decoding program (xz, bzip2) hands out a block's bytes before it checks them, so a corrupt archive may fail in the
    // tar reader first, with another message than Kiln's decoders give, which check first (or stop at the same point):
    // the archive is then unpacked again with Kiln's decoders alone, and fails (or not) exactly as it always did.
    if (!(error instanceof ArchiveFormatError) || !decoding.programUsed) throw error;
    await unpackOnce(archiveFile, destination, options, format, { programs: false, programUsed: false });
  }
}

/** Which decoders {@link unpackOnce} may use, and whether it used a decoding program. */
interface Decoding {
  readonly programs: boolean;
  programUsed: boolean;
}

async function unpackOnce(archiveFile: string, destination: string, options: UnpackOptions, format: ArchiveFormat, decoding: Decoding): Promise<void> {
  mkdirSync(destination, { mode: 0o755 }); // fails if it exists: nothing of anyone else's gets replaced or removed
  let current: string | undefined;
  try {
    chmodSync(destination, 0o755);
    const tree = new TreeWriter(archiveFile, destination, options.stripRoot, options.absoluteSymlinks === true);
    const entries = format === "zip" ? zipEntries(archiveFile) : tarEntries(readTar(decompress(format, archiveFile, decoding)));
    for await (const entry of entries) {
      current = entry.name;
      await tree.add(entry);
      current = undefined;
    }
    tree.finish();
  } catch (error) {
    rmSync(destination, { recursive: true, force: true });
    throw inContext(error, archiveFile, current);
  }
}

/** Adds the archive's name (and the entry being read) to errors raised below, which do not know them. */
function inContext(error: unknown, archive: string, entry: string | undefined): unknown {
  if (!(error instanceof ArchiveFormatError) || error.message.startsWith(`cannot unpack '${archive}'`)) return error;
  const entryName = error.entryName ?? entry;
  const where = entryName !== undefined && !error.message.includes(`'${entryName}'`) ? ` (while reading entry '${entryName}')` : "";
  return new ArchiveFormatError(`cannot unpack '${archive}': ${error.message}${where}`, { entryName, cause: error });
}

function decompress(format: Exclude<ArchiveFormat, "zip">, file: string, decoding: Decoding): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  const programs = decoding.programs ? { onProgram: () => (decoding.programUsed = true) } : { program: null };
  switch (format) {
    case "tar":
      return createReadStream(file, { highWaterMark: READ_CHUNK });
    case "tar.gz":
      return gunzip(file);
    case "tar.bz2":
      return bzip2DecompressFile(file, programs);
    case "tar.xz":
      return xzDecompressFile(file, programs);
  }
}

async function* gunzip(file: string): AsyncGenerator<Buffer, void, undefined> {
  const source = createReadStream(file, { highWaterMark: READ_CHUNK });
  const inflater = createGunzip({ chunkSize: 1 << 17 });
  source.on("error", (error) => inflater.destroy(error));
  source.pipe(inflater);
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Node's zlib reads any non-zero bytes after a member as another member, so trailing garbage is an error here,
    // as it is for GNU tar (libarchive ignores it).
    if (typeof code === "string" && code.startsWith("Z_")) {
      throw new ArchiveFormatError(`gzip data is corrupt or truncated (${(error as Error).message})`, { cause: error });
    }
    throw error;
  } finally {
    source.destroy();
    inflater.destroy();
  }
}

/** An archive entry in the terms the unpacker cares about, whatever the format. */
interface Entry {
  readonly name: string;
  readonly rawName: Buffer;
  readonly kind: "file" | "directory" | "symlink" | "hardlink" | "ignored" | "unsupported" | UnsafeKind;
  readonly executable: boolean;
  readonly rawLinkName: Buffer;
  readonly body: AsyncIterable<Buffer>;
  /** For `unsupported` entries: what they are. */
  readonly description?: string;
}

type UnsafeKind = "character device" | "block device" | "fifo" | "socket";

async function* tarEntries(entries: AsyncIterable<TarEntry>): AsyncGenerator<Entry, void, undefined> {
  for await (const entry of entries) {
    const common = { name: entry.name, rawName: entry.rawName, rawLinkName: entry.rawLinkName, body: entry.body };
    // A NAR records only whether the owner may execute (S_IXUSR), so that is all that is kept.
    const executable = (entry.mode & 0o100) !== 0;
    if (entry.type !== "other") {
      yield { ...common, kind: entry.type, executable };
      continue;
    }
    switch (entry.typeflag) {
      case "3":
        yield { ...common, kind: "character device", executable };
        break;
      case "4":
        yield { ...common, kind: "block device", executable };
        break;
      case "6":
        yield { ...common, kind: "fifo", executable };
        break;
      case "D": // GNU incremental dump directory: its data only lists the names it held
        yield { ...common, kind: "directory", executable };
        break;
      case "V": // GNU volume label: not a file
        yield { ...common, kind: "ignored", executable };
        break;
      case "S":
      case "M":
        yield { ...common, kind: "unsupported", executable, description: entry.typeflag === "S" ? "a GNU sparse file" : "a multi-volume continuation" };
        break;
      default:
        // POSIX: an unknown type is extracted as a regular file (GNU tar does so too).
        yield { ...common, kind: "file", executable };
    }
  }
}

const ZIP_FILE_TYPES: Record<number, UnsafeKind> = {
  0o020000: "character device",
  0o060000: "block device",
  0o010000: "fifo",
  0o140000: "socket",
};

async function* zipEntries(file: string): AsyncGenerator<Entry, void, undefined> {
  for await (const entry of readZip(file)) {
    const common = { name: entry.name, rawName: entry.rawName, rawLinkName: entry.rawLinkName, body: entry.body };
    const executable = (entry.mode & 0o100) !== 0;
    if (entry.type !== "other") yield { ...common, kind: entry.type, executable };
    else {
      const kind = ZIP_FILE_TYPES[entry.unixFileType];
      yield kind === undefined
        ? { ...common, kind: "unsupported", executable, description: `Unix file type 0o${entry.unixFileType.toString(8)}` }
        : { ...common, kind, executable };
    }
  }
}

/** What the unpacker has created at a path (relative to the destination, components joined by `/`). */
type Node =
  | { readonly kind: "directory" }
  | { readonly kind: "file" }
  | { readonly kind: "symlink"; readonly target: Buffer; readonly entryName: string };

/**
 * Writes entries into the destination, keeping a record of every node it
 * creates. Paths are handled as latin1 strings, whose characters are exactly
 * the name's bytes, so any byte sequence survives the round trip.
 */
class TreeWriter {
  readonly #archive: string;
  readonly #root: Buffer;
  readonly #stripRoot: boolean;
  readonly #absoluteSymlinks: boolean;
  readonly #nodes = new Map<string, Node>();
  /** With stripRoot: the archive's one top-level name, once seen. */
  #top: string | undefined;

  constructor(archive: string, destination: string, stripRoot: boolean, absoluteSymlinks: boolean) {
    this.#archive = archive;
    this.#root = Buffer.from(destination, "utf8");
    this.#stripRoot = stripRoot;
    this.#absoluteSymlinks = absoluteSymlinks;
  }

  async add(entry: Entry): Promise<void> {
    const { kind, name } = entry;
    if (kind === "ignored") return;
    if (kind === "unsupported") throw new ArchiveFormatError(`entry '${name}' is ${entry.description ?? "of an unsupported type"}, which is not supported`);
    if (kind === "character device" || kind === "block device" || kind === "fifo" || kind === "socket") throw this.#unsafe(name, kind);

    const components = this.#components(entry.rawName, name);
    if (components.length === 0) {
      // `.` or `./`: the destination itself, which exists already.
      if (kind === "directory") return;
      throw new ArchiveFormatError(`entry '${name}' is a ${kind} named like the top directory itself`);
    }
    const path = this.#strip(components, name, kind === "directory");
    if (path === undefined) return;

    switch (kind) {
      case "directory":
        return this.#directory(path, name);
      case "file":
        return this.#file(path, name, entry.executable, entry.body);
      case "symlink":
        return this.#symlink(path, name, entry.rawLinkName);
      case "hardlink":
        return this.#hardLink(path, name, entry.rawLinkName);
    }
  }

  /** Checks the finished tree: no symlink may resolve outside it, whatever came after it in the archive. */
  finish(): void {
    if (this.#stripRoot && this.#top === undefined) throw this.#layoutError("but it is empty");
    for (const [key, node] of this.#nodes) {
      if (node.kind === "symlink" && !this.#keptAbsolute(node.target) && this.#escapes(parentOf(key), node.target)) {
        throw this.#unsafe(node.entryName, "symlink pointing outside the tree (through other symlinks)");
      }
    }
  }

  /** Whether `target` is absolute and such targets are kept. */
  #keptAbsolute(target: Buffer): boolean {
    return this.#absoluteSymlinks && target[0] === 0x2f;
  }

  #unsafe(name: string, reason: string): UnsafeArchiveError {
    return new UnsafeArchiveError(this.#archive, name, reason);
  }

  #layoutError(problem: string): ArchiveFormatError {
    return new ArchiveFormatError(`zip/tar must contain a single directory with stripRoot, ${problem} (unpack with stripRoot: false to keep its layout)`);
  }

  /**
   * Splits a name into components, dropping `.` and empty ones (`./a//b/` is
   * `a/b`), and refuses absolute names and `..` components. For a hard link's
   * target, `outside` is the reason to give instead: the target is named like
   * an entry, but the error is about the link, entry `name`.
   */
  #components(raw: Buffer, name: string, outside?: string): string[] {
    const text = raw.toString("latin1");
    if (text.includes("\0")) throw new ArchiveFormatError(`entry '${name}' has a NUL byte in a name`);
    if (text.startsWith("/")) throw this.#unsafe(name, outside ?? "absolute name");
    const components = text.split("/").filter((component) => component !== "" && component !== ".");
    if (components.includes("..")) throw this.#unsafe(name, outside ?? "'..' component");
    return components;
  }

  /** With stripRoot, drops the single top-level directory's name; undefined for that directory itself. */
  #strip(components: string[], name: string, isDirectory: boolean): string[] | undefined {
    if (!this.#stripRoot) return components;
    const [first, ...rest] = components as [string, ...string[]];
    if (this.#top === undefined) this.#top = first;
    else if (first !== this.#top) {
      throw this.#layoutError(`but it has more than one top-level entry ('${display(this.#top)}' and '${display(first)}')`);
    }
    if (rest.length > 0) return rest;
    if (!isDirectory) throw this.#layoutError(`but its top-level entry '${name}' is not a directory`);
    return undefined;
  }

  /** A path key as the archive names it (with the stripped top directory), for messages. */
  #archiveName(key: string): string {
    return display(this.#stripRoot && this.#top !== undefined ? `${this.#top}/${key}` : key);
  }

  #fsPath(key: string): Buffer {
    return Buffer.concat([this.#root, Buffer.from("/" + key, "latin1")]);
  }

  /** Refuses a path whose parent is (or goes through) a symlink or a file; creates nothing. */
  #checkParents(path: string[], name: string): void {
    for (let depth = 1; depth < path.length; depth++) {
      const key = path.slice(0, depth).join("/");
      const node = this.#nodes.get(key);
      if (node?.kind === "symlink") throw this.#unsafe(name, `path through the symlink '${this.#archiveName(key)}'`);
      if (node?.kind === "file") throw new ArchiveFormatError(`entry '${name}' needs '${this.#archiveName(key)}' to be a directory, but it is a file`);
    }
  }

  /** Creates the missing parent directories of a path already checked by {@link #checkParents}. */
  #createParents(path: string[]): void {
    for (let depth = 1; depth < path.length; depth++) {
      const key = path.slice(0, depth).join("/");
      if (this.#nodes.get(key) === undefined) this.#makeDirectory(key);
    }
  }

  #makeDirectory(key: string): void {
    const target = this.#fsPath(key);
    mkdirSync(target, { mode: 0o755 });
    chmodSync(target, 0o755);
    this.#nodes.set(key, { kind: "directory" });
  }

  /** Removes whatever an earlier entry put at `key`, as tar replaces it. */
  #removeExisting(key: string): void {
    const node = this.#nodes.get(key);
    if (node === undefined) return;
    if (node.kind === "directory") {
      rmSync(this.#fsPath(key), { recursive: true });
      for (const other of [...this.#nodes.keys()]) if (other.startsWith(key + "/")) this.#nodes.delete(other);
    } else {
      unlinkSync(this.#fsPath(key));
    }
    this.#nodes.delete(key);
  }

  #directory(path: string[], name: string): void {
    const key = path.join("/");
    if (this.#nodes.get(key)?.kind === "directory") return;
    this.#checkParents(path, name);
    this.#createParents(path);
    this.#removeExisting(key);
    this.#makeDirectory(key);
  }

  async #file(path: string[], name: string, executable: boolean, body: AsyncIterable<Buffer>): Promise<void> {
    const key = path.join("/");
    this.#checkParents(path, name);
    this.#createParents(path);
    this.#removeExisting(key);
    const mode = executable ? 0o755 : 0o644;
    // O_EXCL: never opens anything that exists, so never a symlink someone put there.
    const fd = openSync(this.#fsPath(key), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    this.#nodes.set(key, { kind: "file" });
    try {
      fchmodSync(fd, mode);
      for await (const piece of body) {
        for (let written = 0; written < piece.length; ) written += writeSync(fd, piece, written, piece.length - written);
      }
    } finally {
      closeSync(fd);
    }
  }

  #symlink(path: string[], name: string, target: Buffer): void {
    const key = path.join("/");
    this.#checkLinkTarget(path, name, target, "symlink pointing outside the tree");
    this.#checkParents(path, name);
    this.#createParents(path);
    this.#removeExisting(key);
    symlinkSync(target, this.#fsPath(key));
    this.#nodes.set(key, { kind: "symlink", target, entryName: name });
  }

  #checkLinkTarget(path: string[], name: string, target: Buffer, reason: string): void {
    if (target.length === 0) throw new ArchiveFormatError(`symlink '${name}' has an empty target`);
    if (target.includes(0)) throw new ArchiveFormatError(`symlink '${name}' has a NUL byte in its target`);
    const self = { key: path.join("/"), target };
    if (this.#keptAbsolute(target)) return;
    if (target[0] === 0x2f) throw this.#unsafe(name, `${reason} (absolute target '${target.toString("utf8")}')`);
    if (this.#escapes(path.slice(0, -1), target, self)) throw this.#unsafe(name, `${reason} ('${target.toString("utf8")}')`);
  }

  #hardLink(path: string[], name: string, rawTarget: Buffer): void {
    const key = path.join("/");
    const targetName = rawTarget.toString("utf8");
    const outside = `hard link pointing outside the tree ('${targetName}')`;
    let targetPath = this.#components(rawTarget, name, outside);
    if (this.#stripRoot) {
      if (targetPath[0] !== this.#top) throw this.#unsafe(name, outside);
      targetPath = targetPath.slice(1);
    }
    const targetKey = targetPath.join("/");
    const target = targetPath.length === 0 ? { kind: "directory" as const } : this.#nodes.get(targetKey);
    if (target === undefined) throw new ArchiveFormatError(`hard link '${name}' points to '${targetName}', which the archive has not (yet) created`);
    if (target.kind === "directory") throw new ArchiveFormatError(`hard link '${name}' points to the directory '${targetName}'`);
    if (targetKey === key) return;
    if (target.kind === "symlink") this.#checkLinkTarget(path, name, target.target, "hard link to a symlink pointing outside the tree");
    this.#checkParents(path, name);
    this.#createParents(path);
    this.#removeExisting(key);
    if (target.kind === "symlink") {
      // A hard link to a symlink is a second symlink with the same target.
      symlinkSync(target.target, this.#fsPath(key));
      this.#nodes.set(key, { kind: "symlink", target: target.target, entryName: name });
      return;
    }
    try {
      linkSync(this.#fsPath(targetKey), this.#fsPath(key));
    } catch {
      // Some file systems have no hard links; a copy has the same contents and mode.
      copyFileSync(this.#fsPath(targetKey), this.#fsPath(key), constants.COPYFILE_EXCL);
    }
    this.#nodes.set(key, { kind: "file" });
  }

  /**
   * Whether a symlink in directory `from` with `target` resolves outside the
   * tree. It resolves as the kernel would, but against the record of what was
   * created: a `..` after a component that is a symlink goes up from where that
   * symlink points, not from where it is. `self` stands for a link about to be
   * created (replacing whatever the record has at its path).
   */
  #escapes(from: string[], target: Buffer, self?: { key: string; target: Buffer }): boolean {
    const resolved = [...from];
    let pending = target.toString("latin1").split("/");
    let expansions = 0;
    while (pending.length > 0) {
      const component = pending.shift() as string;
      if (component === "" || component === ".") continue;
      if (component === "..") {
        if (resolved.length === 0) return true;
        resolved.pop();
        continue;
      }
      resolved.push(component);
      const key = resolved.join("/");
      const node = self?.key === key ? { kind: "symlink" as const, target: self.target } : this.#nodes.get(key);
      if (node?.kind !== "symlink") continue;
      // A loop: the kernel would give up (ELOOP) without going anywhere.
      if (++expansions > MAX_SYMLINK_EXPANSIONS) return false;
      resolved.pop();
      // A kept absolute target is resolved where the tree is mounted, never here.
      if (node.target[0] === 0x2f) return !this.#absoluteSymlinks;
      pending = [...node.target.toString("latin1").split("/"), ...pending];
    }
    return false;
  }
}

function parentOf(key: string): string[] {
  return key.split("/").slice(0, -1);
}

/** A latin1-encoded path key as text for messages. */
function display(key: string): string {
  return Buffer.from(key, "latin1").toString("utf8");
}
