/**
 * Archive unpacking for `fetchzip`-style fetchers: {@link unpackArchive} and
 * its errors, plus the readers and decompressors it is built from, for
 * callers that want the entries or bytes themselves.
 */
export { ArchiveFormatError, UnsafeArchiveError } from "./archive-errors.js";
export { detectArchiveFormat, unpackArchive, type ArchiveFormat, type UnpackOptions } from "./unpack-archive.js";
export { readTar, type TarEntry, type TarEntryType } from "./tar-reader.js";
export { readZip, type ZipEntry, type ZipEntryType } from "./zip-reader.js";
export { bzip2Decompress, bzip2DecompressChunks } from "./bzip2-decompress.js";
export { xzDecompress, xzDecompressChunks, type XzDecompressOptions } from "./xz-decompress.js";
export type { CompressedInput } from "./input-buffer.js";
