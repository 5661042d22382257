/**
 * Decoding a large .xz file on a worker thread, with Kiln's own decoder
 * (`xz-decompress.ts`), so that decoding runs beside what the main thread
 * does with the output (writing the unpacked files, hashing and scanning
 * other builds' outputs), and several archives unpack on as many cores.
 * Decoding is most of the time unpacking a `.deb` takes.
 *
 * The output and the errors are those of `xzDecompressChunks`: the same
 * decoder, with the same checks and memory limit, runs in the worker. The
 * worker exists only compiled (not when run from TypeScript sources, by a
 * test runner); `xz-decompress-file.ts` decides when it is used: when no
 * `xz` program can decode a large file.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ArchiveFormatError } from "./archive-errors.js";
import type { XzDecompressOptions } from "./xz-decompress.js";
import type { XzWorkerData, XzWorkerMessage } from "./xz-worker-protocol.js";

const WORKER_SCRIPT = new URL("./xz-worker.js", import.meta.url);

/** Whether the compiled worker script exists (it does not when running from sources). */
export function workerAvailable(): boolean {
  return WORKER_SCRIPT.protocol === "file:" && existsSync(fileURLToPath(WORKER_SCRIPT));
}

/**
 * The decoded bytes of the .xz file `file`, in chunks, decoded on a worker
 * thread whatever its size.
 *
 * @throws ArchiveFormatError as `xzDecompressChunks`.
 */
export async function* xzDecompressFileInWorker(file: string, options: XzDecompressOptions = {}): AsyncGenerator<Buffer, void, undefined> {
  const data: XzWorkerData = { file, ...(options.maxDictionary !== undefined ? { maxDictionary: options.maxDictionary } : {}) };
  // Not the parent's flags: `node --input-type=module -e …` would refuse to start a worker from a file.
  const worker = new Worker(WORKER_SCRIPT, { workerData: data, stdout: false, stderr: false, execArgv: [] });
  const queue: (XzWorkerMessage | Error)[] = [];
  let wake: (() => void) | undefined;
  const push = (item: XzWorkerMessage | Error): void => {
    queue.push(item);
    wake?.();
  };
  worker.on("message", push);
  worker.on("error", push);
  worker.on("exit", (code) => push(code === 0 ? { kind: "end" } : new Error(`the xz decoding thread stopped (exit code ${code})`)));
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const item = queue.shift() as XzWorkerMessage | Error;
      if (item instanceof Error) throw item;
      if (item.kind === "end") return;
      if (item.kind === "error") throw item.format ? new ArchiveFormatError(item.message) : new Error(item.message);
      worker.postMessage("taken");
      yield Buffer.from(item.bytes.buffer, item.bytes.byteOffset, item.bytes.byteLength);
    }
  } finally {
    await worker.terminate();
  }
}
