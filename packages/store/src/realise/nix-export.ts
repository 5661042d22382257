/**
 * Nix's export format (`nix-store --export` / `--import`): for each path, a
 * 1, its NAR, a magic number, its path, references and deriver, and a 0 for
 * "no signature"; a final 0. Importing this is how the nix realiser puts
 * Kiln's `.drv` files and sources into Nix's store with their references
 * intact, so they land at exactly the paths Kiln computed.
 */
import { closeSync, openSync, writeSync } from "node:fs";

/** The number after each NAR of an export stream ("NIXE"). */
export const EXPORT_MAGIC = 0x4558494e;

/** One path to export. */
export interface ExportEntry {
  readonly path: string;
  readonly references: readonly string[];
  readonly deriver?: string;
  /** Writes the path's NAR through `write`. */
  readonly writeNar: (write: (chunk: Uint8Array) => void) => void;
}

/** A number as the export format frames it: 8 bytes, little-endian. */
export function exportNumber(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64LE(BigInt(value));
  return buffer;
}

/** A string as the export format (and a NAR) frames it: its length, its bytes, zeros to a multiple of 8. */
export function exportString(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  const padding = (8 - (bytes.length % 8)) % 8;
  return Buffer.concat([exportNumber(bytes.length), bytes, Buffer.alloc(padding)]);
}

/** What follows a path's NAR: the magic number, the path, its references (sorted), its deriver, and 0 for "no signature". */
export function exportTrailer(path: string, references: readonly string[], deriver: string | undefined): Buffer {
  return Buffer.concat([
    exportNumber(EXPORT_MAGIC),
    exportString(path),
    exportNumber(references.length),
    ...[...references].sort().map(exportString),
    exportString(deriver ?? ""),
    exportNumber(0),
  ]);
}

/** Writes `entries` (each after what it refers to) to `file` in Nix's export format. */
export function writeNixExport(file: string, entries: readonly ExportEntry[]): void {
  const fd = openSync(file, "w");
  try {
    const write = (chunk: Uint8Array): void => {
      writeSync(fd, chunk);
    };
    for (const entry of entries) {
      write(exportNumber(1));
      entry.writeNar(write);
      write(exportTrailer(entry.path, entry.references, entry.deriver));
    }
    write(exportNumber(0));
  } finally {
    closeSync(fd);
  }
}
