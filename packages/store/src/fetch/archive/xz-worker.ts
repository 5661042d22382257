/**
 * The worker thread of {@link xzDecompressFileInWorker}: decodes one .xz
 * file with Kiln's own decoder and posts the output back chunk by chunk,
 * never more than a few chunks ahead of what the other side has taken.
 */
import { parentPort, workerData } from "node:worker_threads";
import { ArchiveFormatError } from "./archive-errors.js";
import { fileChunks } from "./input-buffer.js";
import { xzDecompressChunks } from "./xz-decompress.js";
import { XZ_WORKER_AHEAD, type XzWorkerData, type XzWorkerMessage } from "./xz-worker-protocol.js";

const port = parentPort;
if (port === null) throw new Error("xz-worker.js runs as a worker thread only");
const { file, maxDictionary } = workerData as XzWorkerData;

let taken = 0;
let wake: (() => void) | undefined;
port.on("message", () => {
  taken++;
  wake?.();
});

function post(message: XzWorkerMessage, transfer: ArrayBuffer[] = []): void {
  (port as NonNullable<typeof port>).postMessage(message, transfer);
}

try {
  let sent = 0;
  for (const chunk of xzDecompressChunks(fileChunks(file), maxDictionary !== undefined ? { maxDictionary } : {})) {
    // A chunk of its own, so that its memory can move to the other thread rather than be copied.
    const own = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : Buffer.from(chunk);
    post({ kind: "chunk", bytes: own }, [own.buffer as ArrayBuffer]);
    sent++;
    while (sent - taken >= XZ_WORKER_AHEAD) await new Promise<void>((resolve) => (wake = resolve));
  }
  post({ kind: "end" });
} catch (error) {
  post({ kind: "error", message: error instanceof Error ? error.message : String(error), format: error instanceof ArchiveFormatError });
}
