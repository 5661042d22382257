/**
 * A readable difference between two `.drv` files (ATerms). An ATerm is one
 * long line; this breaks it at the commas between its fields and between
 * list elements (outside strings), so that each output, input and
 * environment variable sits on its own line, and then diffs the lines.
 */

/** Breaks an ATerm into one line per field and list element, indented by depth. */
export function atermLines(aterm: string): string[] {
  const lines: string[] = [];
  let line = "";
  let depth = 0;
  let inString = false;
  for (let i = 0; i < aterm.length; i++) {
    const character = aterm[i] as string;
    line += character;
    if (inString) {
      if (character === "\\") line += aterm[++i] ?? "";
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') inString = true;
    else if (character === "(" || character === "[") depth++;
    else if (character === ")" || character === "]") depth--;
    if ((character === "," && depth <= 2) || (character === "[" && depth === 2) || (character === "(" && depth === 1)) {
      lines.push(line);
      line = "  ".repeat(depth);
    }
  }
  lines.push(line);
  return lines;
}

/** The longest common subsequence table of two line lists, for a minimal line diff. */
function commonSuffixLengths(a: readonly string[], b: readonly string[]): number[][] {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      (table[i] as number[])[j] = a[i] === b[j] ? ((table[i + 1] as number[])[j + 1] as number) + 1 : Math.max((table[i + 1] as number[])[j] as number, (table[i] as number[])[j + 1] as number);
    }
  }
  return table;
}

/** Shows a line with its control characters (raw in the ATerm outside `\n`, `\r`, `\t`) as `\u` escapes. */
function visible(line: string): string {
  return line.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (character) => `\\u${(character.codePointAt(0) as number).toString(16).padStart(4, "0")}`);
}

/**
 * A unified-style diff of two ATerms (`-` Nix, `+` Kiln) with two lines of
 * context, or `undefined` when they are equal.
 */
export function diffAterms(nix: string, kiln: string, maxLines = 80): string | undefined {
  if (nix === kiln) return undefined;
  const a = atermLines(nix);
  const b = atermLines(kiln);
  if (a.length * b.length > 4_000_000) return `(too long to diff) first difference at character ${firstDifference(nix, kiln)}`;
  const table = commonSuffixLengths(a, b);
  const rows: { mark: " " | "-" | "+"; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      rows.push({ mark: " ", text: a[i] as string });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || ((table[i + 1] as number[])[j] as number) >= ((table[i] as number[])[j + 1] as number))) {
      rows.push({ mark: "-", text: a[i++] as string });
    } else {
      rows.push({ mark: "+", text: b[j++] as string });
    }
  }
  const near = rows.map((row, index) => rows.slice(Math.max(0, index - 2), index + 3).some((other) => other.mark !== " "));
  const out: string[] = ["--- nix", "+++ kiln"];
  let skipped = false;
  for (const [index, row] of rows.entries()) {
    if (!near[index]) {
      if (!skipped) out.push("  …");
      skipped = true;
      continue;
    }
    skipped = false;
    out.push(`${row.mark} ${visible(row.text)}`);
  }
  if (out.length > maxLines) return [...out.slice(0, maxLines), `  … (${out.length - maxLines} more diff lines)`].join("\n");
  return out.join("\n");
}

/** The index of the first character where two strings differ. */
export function firstDifference(a: string, b: string): number {
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  return at;
}
