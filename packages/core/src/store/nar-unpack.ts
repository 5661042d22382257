/**
 * Unpacking a NAR into a directory tree (`nix-store --restore`).
 *
 * The parser has already refused names that could climb out (`..`, `/`);
 * every node is created inside a directory this unpack created, never
 * through a symlink, so nothing is written outside the destination. Files
 * get mode 0644, or 0755 if executable; callers entering the result into a
 * store canonicalise it afterwards.
 */
import { createWriteStream, existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { NarParseError } from "./nar-errors.js";
import { parseNar, type NarSource } from "./nar-reader.js";

/**
 * Restores the NAR from `source` at `destination`, which must not exist yet.
 * If the NAR is refused part-way, what was unpacked is removed again.
 */
export async function unpackNar(source: NarSource, destination: string): Promise<void> {
  if (existsSync(destination)) throw new NarParseError(`cannot unpack a NAR to '${destination}': it already exists`);
  try {
    await restore(source, destination);
  } catch (error) {
    rmSync(destination, { recursive: true, force: true });
    throw error;
  }
}

async function restore(source: NarSource, destination: string): Promise<void> {
  const target = (path: readonly string[]): string => (path.length === 0 ? destination : join(destination, ...path));
  await parseNar(source, {
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
  });
}
