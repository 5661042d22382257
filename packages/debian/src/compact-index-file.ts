/**
 * Reading a compact index file (see `serialiseIndex`) from the store, fast.
 *
 * The file is UTF-8, ASCII but for a few hundred bytes of a few descriptions.
 * Decoded as UTF-8, V8 makes all 24 MB of it one two-byte string (some of those
 * characters are beyond Latin-1), slowly: the file is decoded as Latin-1
 * instead (one character per byte, the same as UTF-8 for ASCII), and only the
 * rows with bytes beyond ASCII are decoded again as UTF-8 and put in their
 * place. Each row is one line of the file, so a character never spans two.
 */
import { isAscii } from "node:buffer";
import { readFileSync } from "node:fs";
import { deserialiseIndex, packageOfRow, type CompactRow, type IndexPackage } from "./package-index.js";

const NEWLINE = 0x0a;
/** Stretches of the file checked for bytes beyond ASCII at once (a native check); only those with some are looked through byte by byte. */
const STRETCH = 4096;

/**
 * The packages of the compact index at `path`, as `deserialiseIndex` of its
 * text gives them.
 *
 * @throws DebianArchiveError for a file that is not a compact index.
 */
export function readCompactIndex(path: string): IndexPackage[] {
  const bytes = readFileSync(path);
  const packages = deserialiseIndex(bytes.toString("latin1"), path);
  for (const [row, line] of rowsBeyondAscii(bytes)) {
    // Its Latin-1 reading parsed as a row, so this one does too.
    if (row >= 0 && row < packages.length) packages[row] = packageOfRow(JSON.parse(line.endsWith(",") ? line.slice(0, -1) : line) as CompactRow);
  }
  return packages;
}

/** The rows (numbered from 0, the line after the file's first) whose lines have bytes beyond ASCII, with those lines decoded as UTF-8. */
function rowsBeyondAscii(bytes: Buffer): Map<number, string> {
  const rows = new Map<number, string>();
  // Newlines counted, and up to which offset; where looking resumes (past the last line taken).
  let lines = 0;
  let counted = 0;
  let resume = 0;
  for (let stretch = 0; stretch < bytes.length; stretch += STRETCH) {
    const from = Math.max(stretch, resume);
    const end = Math.min(bytes.length, stretch + STRETCH);
    // A plain view: making a Buffer of each stretch costs more than checking it.
    if (from >= end || isAscii(new Uint8Array(bytes.buffer, bytes.byteOffset + from, end - from))) continue;
    for (let at = from; at < end; at++) {
      if ((bytes[at] as number) < 0x80) continue;
      const lineStart = bytes.lastIndexOf(NEWLINE, at) + 1;
      const next = bytes.indexOf(NEWLINE, at);
      const lineEnd = next < 0 ? bytes.length : next;
      for (let newline = bytes.indexOf(NEWLINE, counted); newline >= 0 && newline < lineStart; newline = bytes.indexOf(NEWLINE, newline + 1)) lines++;
      counted = lineStart;
      // The file's first line opens the list: row 0 is its second line.
      rows.set(lines - 1, bytes.toString("utf8", lineStart, lineEnd));
      resume = lineEnd + 1;
      at = lineEnd;
    }
  }
  return rows;
}
