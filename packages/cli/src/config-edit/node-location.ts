/** Where a syntax node starts, as Kiln's errors name places: file, 1-based line and column. */
import type { SourceLocation } from "@kiln/core";
import type { Node } from "ts-morph";

/** The location of `node`'s first character (after leading comments). */
export function nodeLocation(node: Node): SourceLocation {
  const sourceFile = node.getSourceFile();
  const { line, column } = sourceFile.getLineAndColumnAtPos(node.getStart());
  return { file: sourceFile.getFilePath(), line, column };
}
