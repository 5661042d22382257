/**
 * Unpacking a NAR into a directory tree (`nix-store --restore`).
 *
 * The parser has already refused names that could climb out (`..`, `/`,
 * empty) and names given twice, so every node is a new child of a directory
 * this unpack created itself, never reached through a symlink: nothing is
 * written outside the destination. Files are created exclusively (`wx`), so
 * a race cannot make one replace something else either.
 *
 * Files get mode 0644, or 0755 if executable, and directories 0755 (all
 * subject to the umask, as with Nix): writable, so the caller can still
 * move or delete the tree; a store canonicalises modes to 0444/0555 when it
 * registers the path. Paths are Buffers throughout, so names that are not
 * UTF-8 are restored byte for byte.
 */
import { createWriteStream, lstatSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { once } from "node:events";
import { NarParseError } from "./nar-errors.js";
import { FramedNarStream, parseNar, type NarPath, type NarSource, type NarVisitor } from "./nar-reader.js";

const SLASH = Buffer.from("/");

/**
 * Restores the NAR from `source` at `destination`, which must not exist yet
 * (not even as a dangling symlink); its parent must. If the NAR is refused
 * part-way, what was unpacked is removed again.
 */
export async function unpackNar(source: NarSource, destination: string): Promise<void> {
  await unpackWith((visitor) => parseNar(source, visitor), destination);
}

/**
 * Restores the next NAR of a {@link FramedNarStream} (one path of an export
 * stream) at `destination`, as {@link unpackNar} does.
 */
export async function unpackNarFrom(stream: FramedNarStream, destination: string): Promise<void> {
  await unpackWith((visitor) => stream.readNar(visitor), destination);
}

async function unpackWith(parse: (visitor: NarVisitor) => Promise<void>, destination: string): Promise<void> {
  // lstat rather than exists: a dangling symlink "does not exist" but must not be replaced, nor removed on failure.
  if (lstatSync(destination, { throwIfNoEntry: false }) !== undefined) {
    throw new NarParseError(`cannot unpack a NAR to '${destination}': it already exists`);
  }
  try {
    await parse(restorer(Buffer.from(destination, "utf8")));
  } catch (error) {
    rmSync(destination, { recursive: true, force: true });
    throw error;
  }
}

function restorer(destination: Buffer): NarVisitor {
  const target = (path: NarPath): Buffer => Buffer.concat([destination, ...path.flatMap((name) => [SLASH, name])]);
  return {
    directory(path) {
      mkdirSync(target(path), { mode: 0o755 });
    },
    symlink(path, linkTarget) {
      symlinkSync(linkTarget, target(path));
    },
    async file(path, executable, _size, contents) {
      const stream = createWriteStream(target(path), { mode: executable ? 0o755 : 0o644, flags: "wx" });
      try {
        for await (const chunk of contents) {
          if (!stream.write(chunk)) await once(stream, "drain");
        }
      } catch (error) {
        stream.destroy();
        await once(stream, "close");
        throw error;
      }
      stream.end();
      await once(stream, "close");
    },
  };
}
