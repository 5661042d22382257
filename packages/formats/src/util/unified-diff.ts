/**
 * A unified diff (`diff -u`) of a file before and after a change, for
 * `kiln add --dry-run` and `kiln diff`. The diff is one hunk: the lines
 * between the longest common beginning and end, with three lines of
 * context, which is exact for the one-stretch edits `kiln add` makes and
 * still a correct (if coarser) patch for configuration files that changed
 * in several places.
 */

const CONTEXT = 3;

/** The file's lines without their line ends, and whether the last one ends with one. */
function linesOf(text: string): { lines: string[]; finalNewline: boolean } {
  const finalNewline = text.endsWith("\n");
  const lines = text.split(/\r?\n/);
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

/** `start,count` of a hunk side, as `diff -u` writes it (an empty side names the line before it). */
function range(start: number, count: number): string {
  return count === 0 ? `${start},0` : count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

/** The unified diff of `before` and `after`, labelled `a/NAME` and `b/NAME`; empty when they are equal. */
export function unifiedDiff(name: string, before: string, after: string): string {
  if (before === after) return "";
  const old = linesOf(before);
  const updated = linesOf(after);
  let prefix = 0;
  while (prefix < old.lines.length && prefix < updated.lines.length && old.lines[prefix] === updated.lines[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < old.lines.length - prefix &&
    suffix < updated.lines.length - prefix &&
    old.lines[old.lines.length - 1 - suffix] === updated.lines[updated.lines.length - 1 - suffix] &&
    // A missing final newline is a change on the last line.
    (suffix > 0 || old.finalNewline === updated.finalNewline)
  ) {
    suffix++;
  }
  const start = Math.max(0, prefix - CONTEXT);
  const oldEnd = Math.min(old.lines.length, old.lines.length - suffix + CONTEXT);
  const newEnd = Math.min(updated.lines.length, updated.lines.length - suffix + CONTEXT);
  const out = [`--- a/${name}`, `+++ b/${name}`, `@@ -${range(start, oldEnd - start)} +${range(start, newEnd - start)} @@`];
  const side = (lines: readonly string[], from: number, to: number, mark: string, finalNewline: boolean, total: number): void => {
    for (let index = from; index < to; index++) {
      out.push(`${mark}${lines[index] as string}`);
      if (index === total - 1 && !finalNewline) out.push("\\ No newline at end of file");
    }
  };
  side(old.lines, start, prefix, " ", old.finalNewline, old.lines.length);
  side(old.lines, prefix, old.lines.length - suffix, "-", old.finalNewline, old.lines.length);
  side(updated.lines, prefix, updated.lines.length - suffix, "+", updated.finalNewline, updated.lines.length);
  side(updated.lines, updated.lines.length - suffix, newEnd, " ", updated.finalNewline, updated.lines.length);
  return `${out.join("\n")}\n`;
}
