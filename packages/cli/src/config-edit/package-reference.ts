/**
 * How a package is written in a config: an access into the package set,
 * `pkgs.ripgrep`, `pkgs["obs-studio"]`, `pkgs.obsPlugins["obs-backgroundremoval"]`,
 * read back as a list of names and written in the file's own quote style.
 */
import { Node, SyntaxKind, type SourceFile } from "ts-morph";
import { unwrapExpression } from "./resolve-expression.js";

/** The names of an access chain: `pkgs.obsPlugins["x"]` is `["pkgs", "obsPlugins", "x"]`; anything else is `undefined`. */
export function accessChain(node: Node): string[] | undefined {
  const expression = unwrapExpression(node);
  if (Node.isIdentifier(expression)) return [expression.getText()];
  if (Node.isPropertyAccessExpression(expression)) {
    const base = accessChain(expression.getExpression());
    return base === undefined ? undefined : [...base, expression.getName()];
  }
  if (Node.isElementAccessExpression(expression)) {
    const base = accessChain(expression.getExpression());
    const argument = expression.getArgumentExpression();
    const key = argument === undefined ? undefined : unwrapExpression(argument);
    if (base === undefined || key === undefined || !(Node.isStringLiteral(key) || Node.isNoSubstitutionTemplateLiteral(key))) return undefined;
    return [...base, key.getLiteralValue()];
  }
  return undefined;
}

/** Whether `name` can follow a dot: `pkgs.ripgrep`, but `pkgs["obs-studio"]`. */
export function isIdentifierName(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

/** A string literal in the given quote character. */
export function quoted(text: string, quote: string): string {
  const escaped = text.replace(/\\/g, "\\\\").replace(new RegExp(quote, "g"), `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

/** The quote character the file writes strings with (that of its first string literal), `"` if it has none. */
export function quoteStyleOf(sourceFile: SourceFile): string {
  const first = sourceFile.getFirstDescendantByKind(SyntaxKind.StringLiteral);
  return first?.getText().startsWith("'") === true ? "'" : '"';
}

/** `set` followed by an access to each of `names`: `pkgs.obsPlugins["obs-backgroundremoval"]`. */
export function packageAccess(set: string, names: readonly string[], quote: string): string {
  return names.reduce((expression, name) => (isIdentifierName(name) ? `${expression}.${name}` : `${expression}[${quoted(name, quote)}]`), set);
}

/** A property name as it can be written in an object literal or type. */
export function propertyName(name: string, quote: string): string {
  return isIdentifierName(name) ? name : quoted(name, quote);
}
