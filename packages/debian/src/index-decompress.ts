/**
 * A fetched `Packages` index as text: Debian serves it xz- or
 * gzip-compressed (or plain), and the lock names whichever it took.
 */
import { gunzipSync } from "node:zlib";
import { xzDecompress } from "@kiln/store";
import { DebianArchiveError } from "./debian-errors.js";

/** Decompresses a fetched index by its first bytes (xz or gzip; anything else is taken as plain text). */
export function decompressIndex(bytes: Buffer, source: string): string {
  if (bytes[0] === 0xfd && bytes.toString("latin1", 1, 6) === "7zXZ\0") return xzDecompress(bytes).toString("utf8");
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return gunzipSync(bytes).toString("utf8");
  if (bytes.toString("latin1", 0, 8) === "Package:") return bytes.toString("utf8");
  throw new DebianArchiveError(`'${source}' is not a Packages index (neither xz, gzip nor text)`);
}
