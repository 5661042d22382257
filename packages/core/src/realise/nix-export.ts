/**
 * Nix's export format (`nix-store --export` / `--import`): for each path, a
 * 1, its NAR, a magic number, its path, references and deriver, and a 0 for
 * "no signature"; a final 0. Importing this is how the nix realiser puts
 * Kiln's `.drv` files and sources into Nix's store with their references
 * intact, so they land at exactly the paths Kiln computed.
 */
import { closeSync, openSync, writeSync } from "node:fs";

const EXPORT_MAGIC = 0x4558494e;

/** One path to export. */
export interface ExportEntry {
  readonly path: string;
  readonly references: readonly string[];
  readonly deriver?: string;
  /** Writes the path's NAR through `write`. */
  readonly writeNar: (write: (chunk: Uint8Array) => void) => void;
}

function number(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64LE(BigInt(value));
  return buffer;
}

function string(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  const padding = (8 - (bytes.length % 8)) % 8;
  return Buffer.concat([number(bytes.length), bytes, Buffer.alloc(padding)]);
}

/** Writes `entries` (each after what it refers to) to `file` in Nix's export format. */
export function writeNixExport(file: string, entries: readonly ExportEntry[]): void {
  const fd = openSync(file, "w");
  try {
    const write = (chunk: Uint8Array): void => {
      writeSync(fd, chunk);
    };
    for (const entry of entries) {
      write(number(1));
      entry.writeNar(write);
      write(number(EXPORT_MAGIC));
      write(string(entry.path));
      write(number(entry.references.length));
      for (const reference of [...entry.references].sort()) write(string(reference));
      write(string(entry.deriver ?? ""));
      write(number(0));
    }
    write(number(0));
  } finally {
    closeSync(fd);
  }
}
