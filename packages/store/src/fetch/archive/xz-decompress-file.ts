/**
 * Decoding an .xz file for the unpacker, by whichever decoder suits it:
 * liblzma through the `xz` program for a file large enough to be worth a
 * process, when it holds only what Kiln's own decoder accepts
 * (`xz-program.ts`); otherwise Kiln's own decoder, on a worker thread for a
 * large file (`xz-in-worker.ts`) and in place for a small one, where
 * starting a thread or a process would cost more than it saves.
 *
 * Whichever decodes, the output is the same bytes and a broken file fails
 * with an error of Kiln's decoder, which takes over whenever `xz` fails
 * (see `decoder-program.ts` for how the unpacker keeps its errors too).
 */
import { statSync } from "node:fs";
import { fileChunks } from "./input-buffer.js";
import { scanXzBlocks } from "./xz-block-scan.js";
import { MAX_DICTIONARY, xzDecompressChunks, type XzDecompressOptions } from "./xz-decompress.js";
import { workerAvailable, xzDecompressFileInWorker } from "./xz-in-worker.js";
import { findXzProgram, xzDecompressWithProgram } from "./xz-program.js";

/** Files at least this large go to the `xz` program. */
const PROGRAM_THRESHOLD = 128 << 10;
/** Files at least this large are decoded by Kiln's decoder on a worker thread (when `xz` does not decode them). */
const WORKER_THRESHOLD = 1 << 20;

/** Options of {@link xzDecompressFile}. */
export interface XzFileOptions extends XzDecompressOptions {
  /** The `xz` program to try first; `null` for Kiln's own decoder only. Default: `xz` on `PATH`, if it is XZ Utils'. */
  readonly program?: string | null;
  /** Called when the program is started (so the caller knows its output was not checked before it was handed on). */
  readonly onProgram?: () => void;
}

/**
 * The decoded bytes of the .xz file `file`, in chunks.
 *
 * @throws ArchiveFormatError as `xzDecompressChunks`.
 */
export async function* xzDecompressFile(file: string, options: XzFileOptions = {}): AsyncGenerator<Buffer, void, undefined> {
  const { program: chosen, onProgram, ...decoderOptions } = options;
  const size = statSync(file).size;
  const own = (): AsyncIterable<Buffer> | Iterable<Buffer> =>
    size >= WORKER_THRESHOLD && workerAvailable() ? xzDecompressFileInWorker(file, decoderOptions) : xzDecompressChunks(fileChunks(file), decoderOptions);
  if (size >= PROGRAM_THRESHOLD) {
    const program = chosen === undefined ? findXzProgram() : chosen;
    const blocks = program === null ? undefined : scanXzBlocks(file);
    if (program !== null && blocks !== undefined && blocks.largestDictionary <= (options.maxDictionary ?? MAX_DICTIONARY)) {
      onProgram?.();
      yield* xzDecompressWithProgram(file, { program, dictionary: blocks.largestDictionary, fallback: own });
      return;
    }
  }
  yield* own();
}
