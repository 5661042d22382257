/**
 * Which of Kiln's own files a line of Kiln's bundle came from. The `kiln`
 * command loads Kiln as one script (`dist/bundle/kiln.cjs`, see
 * scripts/bundle-kiln.js), so a stack frame of Kiln's code names that script
 * instead of the file of `@kiln/formats`, `@kiln/pkgs` or another package.
 * The code that reads stacks (where a `path("./x")` was written, which frame
 * is the user's) decides by file, so it asks here first. The bundle's loader registers the
 * bundle with its line table (`kiln.files.json`), read on first need: most
 * commands never read a stack.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Set by the bundle's loader: bundle path to the path of its line table. */
const BUNDLES_KEY = Symbol.for("kiln.code-bundles");

interface LineTable {
  /** Original files, relative to the bundle's folder. */
  readonly files: readonly string[];
  /** Pairs of a first line (1-based) and an index into `files`, by line. */
  readonly lines: readonly number[];
}

const tables = new Map<string, LineTable | null>();

function tableOf(bundle: string): LineTable | undefined {
  const known = tables.get(bundle);
  if (known !== undefined) return known ?? undefined;
  const registered = (globalThis as { [BUNDLES_KEY]?: Map<string, string> })[BUNDLES_KEY]?.get(bundle);
  if (registered === undefined) return undefined;
  let table: LineTable | null = null;
  try {
    const read = JSON.parse(readFileSync(registered, "utf8")) as LineTable;
    table = { files: read.files.map((file) => resolve(dirname(bundle), file)), lines: read.lines };
  } catch {
    // Without its table, the bundle's frames keep the bundle's name (still one of Kiln's packages' files).
  }
  tables.set(bundle, table);
  return table ?? undefined;
}

/** Whether `file` is a Kiln bundle this process runs. */
export function isKilnBundle(file: string): boolean {
  return (globalThis as { [BUNDLES_KEY]?: Map<string, string> })[BUNDLES_KEY]?.has(file) === true;
}

/** The original file (a `.ts` of one of Kiln's packages) of `line` (1-based) of a Kiln bundle, or `undefined` when `file` is none. */
export function kilnBundleSource(file: string, line: number): string | undefined {
  if (!isKilnBundle(file)) return undefined;
  const table = tableOf(file);
  if (table === undefined) return undefined;
  // The last stretch starting at or before `line`.
  let low = 0;
  let high = table.lines.length / 2 - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((table.lines[middle * 2] as number) <= line) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found < 0 ? undefined : table.files[table.lines[found * 2 + 1] as number];
}
