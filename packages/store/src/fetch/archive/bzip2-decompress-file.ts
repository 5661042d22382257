/**
 * Decoding a .bz2 file for the unpacker: with libbzip2 through the `bzip2`
 * program for a file large enough to be worth a process (3 times less CPU
 * than Kiln's own decoder, beside Kiln's process), with Kiln's own decoder
 * behind it (`decoder-program.ts`), and with Kiln's decoder alone for a
 * small file or where there is no `bzip2`. libbzip2 needs at most 3.7 MB
 * for any stream (its block size is 900 kB at most), so unlike xz it needs
 * no memory limit. Kiln's decoder refuses what bzip2 only warns about, and
 * any warning hands the file to Kiln's decoder, so what is accepted is what
 * Kiln's decoder accepts, except blocks in the "randomised" form of bzip2
 * 0.9.0 (1998), which Kiln's decoder does not implement and libbzip2 decodes.
 */
import { statSync } from "node:fs";
import { bzip2DecompressChunks } from "./bzip2-decompress.js";
import { decodeWithProgram, findProgram } from "./decoder-program.js";
import { fileChunks } from "./input-buffer.js";

/** Files at least this large go to the `bzip2` program. */
const PROGRAM_THRESHOLD = 128 << 10;

/** Options of {@link bzip2DecompressFile}. */
export interface Bzip2FileOptions {
  /** The `bzip2` program to try first; `null` for Kiln's own decoder only. Default: `bzip2` on `PATH`, if it is bzip2's own. */
  readonly program?: string | null;
  /** Called when the program is started (so the caller knows its output was not checked before it was handed on). */
  readonly onProgram?: () => void;
}

/**
 * The decoded bytes of the .bz2 file `file`, in chunks.
 *
 * @throws ArchiveFormatError as `bzip2DecompressChunks`.
 */
export async function* bzip2DecompressFile(file: string, options: Bzip2FileOptions = {}): AsyncGenerator<Buffer, void, undefined> {
  const own = (): Iterable<Buffer> => bzip2DecompressChunks(fileChunks(file));
  const program = statSync(file).size < PROGRAM_THRESHOLD ? null : options.program === undefined ? findProgram("bzip2", "block-sorting file compressor") : options.program;
  if (program === null) {
    yield* own();
    return;
  }
  options.onProgram?.();
  yield* decodeWithProgram(program, ["--decompress", "--stdout", "--", file], own);
}
