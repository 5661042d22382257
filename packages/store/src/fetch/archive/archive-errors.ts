/**
 * The two ways unpacking an archive fails: an archive that is well formed but
 * would put something dangerous on disk ({@link UnsafeArchiveError}), and
 * bytes that are not an archive Kiln can read ({@link ArchiveFormatError}).
 * They are separate types because the first is a (possibly hostile) choice of
 * whoever made the archive, the second a broken or unsupported file.
 */
import { KilnError } from "@kiln/formats";

/**
 * An archive entry that Kiln refuses to unpack because it could reach outside
 * the destination, or is not a plain file, directory or symlink: a name with a
 * `..` component or an absolute name, a symlink or hard link pointing outside
 * the tree, a path through a symlink, a device file or a fifo.
 */
export class UnsafeArchiveError extends KilnError {
  override name = "UnsafeArchiveError";

  /** The archive file, as given to the unpacker. */
  readonly archive: string;
  /** The offending entry's name as it is written in the archive. */
  readonly entryName: string;
  /** What is wrong with it, e.g. `'..' component` or `symlink pointing outside the tree`. */
  readonly reason: string;

  /** @param reason - a short phrase; the message is `... entry '<entryName>': <reason>`. */
  constructor(archive: string, entryName: string, reason: string) {
    super(`refusing to unpack '${archive}': entry '${entryName}': ${reason}`);
    this.archive = archive;
    this.entryName = entryName;
    this.reason = reason;
  }
}

/**
 * Bytes that are not an archive Kiln can unpack: an unknown format, corrupt or
 * truncated data, a checksum that does not match, an unsupported feature, or
 * an archive whose layout does not fit the options (`stripRoot`).
 */
export class ArchiveFormatError extends KilnError {
  override name = "ArchiveFormatError";

  /** The entry being read when the problem was found, when there was one. */
  readonly entryName: string | undefined;

  /**
   * @param message - the whole message; it should name the entry when there is one.
   * @param options - `entryName` for callers that want it without parsing the message; `cause` as for `Error`.
   */
  constructor(message: string, options: { entryName?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.entryName = options.entryName;
  }
}
