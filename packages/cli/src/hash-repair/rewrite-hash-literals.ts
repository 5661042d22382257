/**
 * Rewriting hash literals in a user's TypeScript source, in place, with
 * ts-morph: only the string literal changes, so formatting, comments and
 * quote style stay as the user wrote them.
 *
 * A fix names the fetcher call by its position (from the call's stack frame)
 * and the property that holds the hash (`hash`, `sha256`, …) with the value
 * it had. The literal is looked for in the call's object argument; failing
 * that, it is the only property with that name and value in the file.
 */
import { renameSync, writeFileSync } from "node:fs";
import { Node, Project, SyntaxKind, type CallExpression, type SourceFile, type StringLiteral, type NoSubstitutionTemplateLiteral } from "ts-morph";
import { KilnError } from "@kiln/core";

/** A hash literal to replace. */
export interface HashLiteralFix {
  /** Where the fetcher was called (1-based line and column), if known. */
  readonly line?: number;
  readonly column?: number;
  /** The property holding the hash, e.g. `hash`. */
  readonly attribute: string;
  /** Its value as written now. */
  readonly from: string;
  /** The value to write. */
  readonly to: string;
}

/** One literal changed. */
export interface HashLiteralChange {
  readonly file: string;
  /** The line of the literal, 1-based. */
  readonly line: number;
  readonly attribute: string;
  readonly from: string;
  readonly to: string;
}

/** A hash that could not be located or changed in the source. */
export class HashRepairError extends KilnError {
  override name = "HashRepairError";
}

type HashLiteral = StringLiteral | NoSubstitutionTemplateLiteral;

/** The string literals `attribute: "value"` inside `node`. */
function hashLiterals(node: Node, attribute: string, value: string): HashLiteral[] {
  const found: HashLiteral[] = [];
  for (const assignment of node.getDescendantsOfKind(SyntaxKind.PropertyAssignment)) {
    const nameNode = assignment.getNameNode();
    const name = Node.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : nameNode.getText();
    if (name !== attribute) continue;
    const initializer = assignment.getInitializer();
    if ((Node.isStringLiteral(initializer) || Node.isNoSubstitutionTemplateLiteral(initializer)) && initializer.getLiteralValue() === value) found.push(initializer);
  }
  return found;
}

/** The calls whose text spans `line` (1-based), innermost first. */
function callsAt(sourceFile: SourceFile, line: number, column: number | undefined): CallExpression[] {
  const calls = sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression).filter((call) => {
    const start = call.getStartLineNumber();
    const end = call.getEndLineNumber();
    if (line < start || line > end) return false;
    if (column === undefined || line !== start) return true;
    return sourceFile.getLineAndColumnAtPos(call.getStart()).column <= column;
  });
  return calls.sort((left, right) => left.getWidth() - right.getWidth());
}

/** Finds the one literal a fix refers to, or says why it cannot. */
function locate(sourceFile: SourceFile, fix: HashLiteralFix): HashLiteral {
  const where = `${sourceFile.getFilePath()}${fix.line !== undefined ? `:${fix.line}` : ""}`;
  if (fix.line !== undefined) {
    for (const call of callsAt(sourceFile, fix.line, fix.column)) {
      const inCall = call.getArguments().flatMap((argument) => hashLiterals(argument, fix.attribute, fix.from));
      if (inCall.length === 1) return inCall[0] as HashLiteral;
    }
  }
  const inFile = hashLiterals(sourceFile, fix.attribute, fix.from);
  if (inFile.length === 1) return inFile[0] as HashLiteral;
  if (inFile.length === 0) {
    throw new HashRepairError(`${where}: cannot find ${fix.attribute}: ${JSON.stringify(fix.from)} as a string literal; set it to "${fix.to}" by hand`);
  }
  throw new HashRepairError(`${where}: ${inFile.length} places say ${fix.attribute}: ${JSON.stringify(fix.from)} and the call could not be told apart; set the right one to "${fix.to}" by hand`);
}

/**
 * Applies `fixes` to `file` and writes it back (atomically: a temporary file
 * renamed over it), or changes nothing if any fix cannot be located.
 */
export function rewriteHashLiterals(file: string, fixes: readonly HashLiteralFix[]): HashLiteralChange[] {
  const project = new Project({ useInMemoryFileSystem: false, skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  const sourceFile = project.addSourceFileAtPath(file);
  // Locate everything before changing anything: positions move as literals change length.
  const located = fixes.map((fix) => ({ fix, literal: locate(sourceFile, fix) }));
  const changes: HashLiteralChange[] = [];
  for (const { fix, literal } of located) {
    const quote = literal.getText()[0] ?? '"';
    const line = literal.getStartLineNumber();
    literal.replaceWithText(`${quote}${fix.to}${quote}`);
    changes.push({ file, line, attribute: fix.attribute, from: fix.from, to: fix.to });
  }
  if (changes.length === 0) return changes;
  const temporary = `${file}.kiln-fix-hashes.tmp`;
  writeFileSync(temporary, sourceFile.getFullText());
  renameSync(temporary, file);
  return changes;
}
