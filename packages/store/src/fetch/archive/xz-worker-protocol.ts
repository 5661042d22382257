/** What {@link xzDecompressFileInWorker} and its worker thread say to each other. */

/** What the worker is started with. */
export interface XzWorkerData {
  readonly file: string;
  readonly maxDictionary?: number;
}

/** What the worker posts: output, the end, or why it stopped (with whether it was an {@link ArchiveFormatError}). */
export type XzWorkerMessage =
  | { readonly kind: "chunk"; readonly bytes: Uint8Array }
  | { readonly kind: "end" }
  | { readonly kind: "error"; readonly message: string; readonly format: boolean };

/** How many chunks (of up to a few MiB) the worker may decode ahead of the reader. */
export const XZ_WORKER_AHEAD = 4;
