/**
 * Edits as insertions of text at offsets of the original file: the rest of
 * the file stays byte for byte as it was, which ts-morph's own manipulation
 * (that may re-indent or re-print nodes) does not promise.
 */

/** Text to insert before the character at `position` of the original text. */
export interface TextInsertion {
  readonly position: number;
  readonly text: string;
}

/** `text` with the insertions made (each at its offset in the original; several at one offset keep their order). */
export function applyInsertions(text: string, insertions: readonly TextInsertion[]): string {
  const ordered = insertions.map((insertion, index) => ({ insertion, index })).sort((left, right) => left.insertion.position - right.insertion.position || left.index - right.index);
  let result = "";
  let from = 0;
  for (const { insertion } of ordered) {
    result += text.slice(from, insertion.position) + insertion.text;
    from = insertion.position;
  }
  return result + text.slice(from);
}

/** The 1-based line of an offset of `text`. */
export function lineAt(text: string, position: number): number {
  let line = 1;
  for (let index = text.indexOf("\n"); index !== -1 && index < position; index = text.indexOf("\n", index + 1)) line++;
  return line;
}
