/**
 * The first difference between two store trees, in the order their NAR
 * serialisations would reveal it: what `kiln build --check` reports when a
 * rebuild is not bit-identical. Nix's `--check` compares the NAR hashes
 * and says only that an output differs (pointing to diffoscope); naming the
 * file that differs is usually all a packager needs to find the cause.
 *
 * Both trees are canonical copies Kiln made (only directories, regular
 * files and symlinks; the executable bit is the only mode that counts), so
 * the walk never follows a symlink and compares just what a NAR holds.
 */
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from "node:fs";
import { join } from "node:path";
import { compareUtf8 } from "@kiln/formats";

/** Where two trees first differ, and how. */
export interface OutputDifference {
  /** The path inside the output, `/`-separated, starting with `/` (`/` itself for the output's root). */
  readonly file: string;
  /** How it differs, as a clause about the file: `differs from byte 12 on`, `is in the rebuild only`, … */
  readonly reason: string;
}

const CHUNK = 1 << 16;

function kind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isSymbolicLink()) return "a symlink";
  return stats.mode & 0o100 ? "an executable file" : "a file";
}

/** The offset of the first differing byte of two open files, or `undefined` if they are equal. */
function firstDifferingByte(a: number, b: number): number | undefined {
  const left = Buffer.allocUnsafe(CHUNK);
  const right = Buffer.allocUnsafe(CHUNK);
  let offset = 0;
  for (;;) {
    const readLeft = readFully(a, left);
    const readRight = readFully(b, right);
    const common = Math.min(readLeft, readRight);
    for (let index = 0; index < common; index++) if (left[index] !== right[index]) return offset + index;
    if (readLeft !== readRight) return offset + common;
    if (readLeft === 0) return undefined;
    offset += readLeft;
  }
}

function readFully(fd: number, buffer: Buffer): number {
  let filled = 0;
  while (filled < buffer.length) {
    const read = readSync(fd, buffer, filled, buffer.length - filled, null);
    if (read === 0) break;
    filled += read;
  }
  return filled;
}

function compareFiles(original: string, rebuilt: string): number | undefined {
  const a = openSync(original, "r");
  try {
    const b = openSync(rebuilt, "r");
    try {
      return firstDifferingByte(a, b);
    } finally {
      closeSync(b);
    }
  } finally {
    closeSync(a);
  }
}

/**
 * The first difference between the tree at `original` and the tree at
 * `rebuilt`, or `undefined` when they would serialise to the same NAR.
 */
export function firstOutputDifference(original: string, rebuilt: string, inside = ""): OutputDifference | undefined {
  const file = inside === "" ? "/" : inside;
  const a = lstatSync(original);
  const b = lstatSync(rebuilt);
  if (kind(a) !== kind(b)) return { file, reason: `is ${kind(a)} in the original and ${kind(b)} in the rebuild` };
  if (a.isSymbolicLink()) {
    const [from, to] = [readlinkSync(original), readlinkSync(rebuilt)];
    return from === to ? undefined : { file, reason: `points to '${from}' in the original and to '${to}' in the rebuild` };
  }
  if (a.isFile()) {
    if (a.size !== b.size) return { file, reason: `has ${a.size} bytes in the original and ${b.size} in the rebuild` };
    const at = compareFiles(original, rebuilt);
    return at === undefined ? undefined : { file, reason: `differs from byte ${at} on` };
  }
  const left = readdirSync(original).sort(compareUtf8);
  const right = readdirSync(rebuilt).sort(compareUtf8);
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const name = left[i];
    const other = right[j];
    const order = name === undefined ? 1 : other === undefined ? -1 : compareUtf8(name, other);
    if (order < 0) return { file: `${inside}/${name}`, reason: "is in the original only" };
    if (order > 0) return { file: `${inside}/${other}`, reason: "is in the rebuild only" };
    const found = firstOutputDifference(join(original, name as string), join(rebuilt, name as string), `${inside}/${name}`);
    if (found !== undefined) return found;
    i++;
    j++;
  }
  return undefined;
}
