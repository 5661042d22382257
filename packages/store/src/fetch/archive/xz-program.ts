/**
 * Decoding .xz with liblzma, the reference implementation, by running the
 * `xz` program of XZ Utils (on `PATH`) as a separate process
 * (`decoder-program.ts`): 2.5 times less CPU than Kiln's own decoder, its
 * blocks decoded on several cores (Debian's `.deb`s are written in blocks
 * of 24 MiB), and the decoding off Kiln's own process, beside what Kiln does
 * with the output. docs/archive-decoders.md says why a program rather than
 * a WebAssembly or native-addon library.
 *
 * Kiln's own decoder stays the reference for what is accepted: `xz` runs
 * only on files whose block headers show nothing but LZMA2 with a dictionary
 * within Kiln's limit (`xz-block-scan.ts`), under `--memlimit-decompress`,
 * so its memory is bounded as Kiln's is, and when it fails Kiln's decoder
 * takes over where it stopped. Decoding is deterministic, so which program
 * decoded a file changes nothing about a store path.
 */
import { decodeWithProgram, findProgram } from "./decoder-program.js";

/**
 * What `xz` may use beyond twice the largest dictionary: its buffers, and
 * with two threads each one's block (Debian's take 75 MiB this way with
 * 8 MiB dictionaries). One thread needs the dictionary and 1 MiB; blocks
 * that would need more for threads than this are decoded on one.
 */
const MEMORY_MARGIN = 64 << 20;

/** The `xz` program of XZ Utils on `PATH`, if there is one (not a stand-in such as BusyBox's). */
export function findXzProgram(): string | null {
  return findProgram("xz", "liblzma");
}

/** How {@link xzDecompressWithProgram} runs. */
export interface XzProgramOptions {
  /** The `xz` program. */
  readonly program: string;
  /** The largest dictionary the file's blocks declare; `xz` may use twice this much memory and a margin more. */
  readonly dictionary: number;
  /** Kiln's own decoding of the same file, from its start: what takes over when `xz` fails. */
  readonly fallback: () => AsyncIterable<Buffer> | Iterable<Buffer>;
}

/**
 * The decoded bytes of the .xz file `file`, from liblzma through `xz`, and
 * from Kiln's own decoder (`fallback`) from wherever `xz` failed. Stopping
 * early stops the process.
 *
 * @throws the fallback's ArchiveFormatError, for a file neither decodes.
 */
export function xzDecompressWithProgram(file: string, options: XzProgramOptions): AsyncGenerator<Buffer, void, undefined> {
  const limit = 2 * options.dictionary + MEMORY_MARGIN;
  // --threads=0: as many threads as cores, used for files of several blocks when they fit the memory limit.
  const args = ["--decompress", "--stdout", "--quiet", "--threads=0", `--memlimit-decompress=${limit}`, "--", file];
  return decodeWithProgram(options.program, args, options.fallback);
}
