/**
 * Appending an element to an array literal in the style it is written in:
 * a one-line array stays on one line (`[a, b]` → `[a, b, c]`, with the same
 * space after commas); an array with one element per line gets a new line
 * with the last element's indentation, keeping its trailing-comma habit and
 * any comment that ends the last element's line where it was.
 */
import { Node, SyntaxKind, type ArrayLiteralExpression } from "ts-morph";
import { lineAt, type TextInsertion } from "./text-insertion.js";

/** The insertions that append an element, and the line the element will be on. */
export interface ElementInsertion {
  readonly insertions: readonly TextInsertion[];
  /** The 1-based line of the new element in the edited file. */
  readonly line: number;
}

/** The file's indentation step: a tab if it indents with tabs, else its smallest indentation, else two spaces. */
function indentUnit(text: string): string {
  if (/^\t/m.test(text)) return "\t";
  const widths = [...text.matchAll(/^( +)\S/gm)].map((match) => (match[1] as string).length);
  return " ".repeat(widths.length === 0 ? 2 : Math.min(...widths));
}

function lineStart(text: string, position: number): number {
  return text.lastIndexOf("\n", position - 1) + 1;
}

/** The offset of the end of the line holding `position` (before its `\r\n` or `\n`). */
function lineEnd(text: string, position: number): number {
  const newline = text.indexOf("\n", position);
  if (newline === -1) return text.length;
  return text[newline - 1] === "\r" ? newline - 1 : newline;
}

/** Whether the rest of a line is nothing but blanks and a comment. */
function onlyCommentOrBlank(rest: string): boolean {
  const trimmed = rest.trim();
  return trimmed === "" || trimmed.startsWith("//") || (trimmed.startsWith("/*") && trimmed.endsWith("*/") && !trimmed.slice(2, -2).includes("*/"));
}

/** Positions one insertion and works out the element's line, `offset` characters into the inserted text. */
function insertion(text: string, position: number, inserted: string, offset: number, extra: readonly TextInsertion[] = []): ElementInsertion {
  const line = lineAt(text, position) + (inserted.slice(0, offset).match(/\n/g)?.length ?? 0);
  return { insertions: [...extra, { position, text: inserted }], line };
}

/** Appends `element` (source text on one line) to `array`, in the array's style (see the file comment). */
export function appendArrayElement(array: ArrayLiteralExpression, element: string): ElementInsertion {
  const text = array.getSourceFile().getFullText();
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const open = array.getStart();
  const close = array.getEnd() - 1;
  const multiLine = lineAt(text, open) !== lineAt(text, close);
  const elements = array.getElements();
  const last = elements.at(-1);
  if (last === undefined) {
    const closeLineStart = lineStart(text, close);
    if (!multiLine || text.slice(closeLineStart, close).trim() !== "") return insertion(text, open + 1, element, 0);
    // `[\n]`: the element goes on its own line, one step deeper than the bracket.
    const indent = text.slice(closeLineStart, close) + indentUnit(text);
    return insertion(text, closeLineStart, `${indent}${element},${eol}`, indent.length);
  }
  const trailingComma = last.getNextSiblingIfKind(SyntaxKind.CommaToken);
  const lastStart = last.getStart();
  const ownsLine = text.slice(lineStart(text, lastStart), lastStart).trim() === "";
  if (!multiLine || !ownsLine) {
    const first = elements[0] as Node;
    const firstComma = first.getNextSiblingIfKind(SyntaxKind.CommaToken);
    const between = elements.length > 1 && firstComma !== undefined ? text.slice(firstComma.getEnd(), (elements[1] as Node).getStart()) : " ";
    const separator = between.includes("\n") ? " " : between;
    return trailingComma !== undefined
      ? insertion(text, trailingComma.getEnd(), `${separator}${element},`, separator.length)
      : insertion(text, last.getEnd(), `,${separator}${element}`, 1 + separator.length);
  }
  const indent = text.slice(lineStart(text, lastStart), lastStart);
  const anchor = trailingComma?.getEnd() ?? last.getEnd();
  const end = lineEnd(text, anchor);
  const comma = trailingComma !== undefined ? "," : "";
  if (onlyCommentOrBlank(text.slice(anchor, end))) {
    // After any comment that ends the line, so the comment stays with its element.
    const commaAfterLast = trailingComma === undefined ? [{ position: last.getEnd(), text: "," }] : [];
    return insertion(text, end, `${eol}${indent}${element}${comma}`, eol.length + indent.length, commaAfterLast);
  }
  // The bracket (or more code) follows on the last element's line: `  b]`.
  return trailingComma !== undefined ? insertion(text, anchor, `${eol}${indent}${element},`, eol.length + indent.length) : insertion(text, anchor, `,${eol}${indent}${element}`, 1 + eol.length + indent.length);
}
