/**
 * Following a config's syntax to the literal that defines a value, without
 * the type checker (which would load every `.d.ts` the config can reach):
 * through parentheses, `as` and `satisfies`, `const` bindings in scope, and
 * names imported from the config's own relative modules, which are read into
 * the same ts-morph project. What cannot be followed (a parameter, a call,
 * a package import) is returned as it is, for the caller to reject by name.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Node, SyntaxKind, type ObjectLiteralExpression, type SourceFile } from "ts-morph";

/** What a name is bound to, as far as it can be followed. */
type Binding = { readonly kind: "value"; readonly node: Node } | { readonly kind: "opaque" };

/** Strips what does not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
export function unwrapExpression(node: Node): Node {
  let current = node;
  for (;;) {
    if (Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isSatisfiesExpression(current) || Node.isNonNullExpression(current) || Node.isTypeAssertion(current)) {
      current = current.getExpression();
    } else return current;
  }
}

/** The text of a property name, if it is a constant: `a`, `"a-b"`, `1`, `["a"]`. */
export function propertyNameText(name: Node): string | undefined {
  if (Node.isIdentifier(name) || Node.isPrivateIdentifier(name) || Node.isNumericLiteral(name)) return name.getText();
  if (Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name)) return name.getLiteralValue();
  if (Node.isComputedPropertyName(name)) {
    const inner = unwrapExpression(name.getExpression());
    if (Node.isStringLiteral(inner) || Node.isNoSubstitutionTemplateLiteral(inner)) return inner.getLiteralValue();
  }
  return undefined;
}

/** The expression a function returns: an arrow's expression body, or the last `return` directly in its body. */
export function returnedExpression(fn: Node): Node | undefined {
  if (!(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn) || Node.isFunctionDeclaration(fn) || Node.isGetAccessorDeclaration(fn))) return undefined;
  const body = fn.getBody();
  if (body === undefined) return undefined;
  if (!Node.isBlock(body)) return body;
  const returns = body.getStatements().filter(Node.isReturnStatement);
  return returns.at(-1)?.getExpression();
}

/** A file a relative import names, tried as Node and bundlers resolve TypeScript sources (`./a.js` is `./a.ts`). */
function importedFile(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), base.replace(/\.jsx$/, ".tsx"), `${base}.ts`, `${base}.tsx`, `${base}.mts`, join(base, "index.ts")];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/** The value a module exports under `name` (`default` for its default export). */
function exportedValue(sourceFile: SourceFile, name: string): Binding {
  if (name === "default") {
    const value = defaultExportOf(sourceFile);
    return value === undefined ? { kind: "opaque" } : { kind: "value", node: value };
  }
  for (const statement of sourceFile.getVariableStatements()) {
    if (!statement.isExported()) continue;
    for (const declaration of statement.getDeclarations()) {
      const nameNode = declaration.getNameNode();
      if (Node.isIdentifier(nameNode) && nameNode.getText() === name) {
        const initializer = declaration.getInitializer();
        return initializer === undefined ? { kind: "opaque" } : { kind: "value", node: initializer };
      }
    }
  }
  for (const declaration of sourceFile.getExportDeclarations()) {
    if (declaration.getModuleSpecifier() !== undefined) continue;
    for (const specifier of declaration.getNamedExports()) {
      if ((specifier.getAliasNode()?.getText() ?? specifier.getName()) === name) return { kind: "value", node: specifier.getNameNode() };
    }
  }
  return { kind: "opaque" };
}

/** The value an import specifier brings in, read from the imported file when it is one of the config's own. */
function importedValue(sourceFile: SourceFile, specifier: string, importedName: string): Binding {
  const file = importedFile(sourceFile.getFilePath(), specifier);
  if (file === undefined) return { kind: "opaque" };
  const project = sourceFile.getProject();
  const imported = project.getSourceFile(file) ?? project.addSourceFileAtPath(file);
  return exportedValue(imported, importedName);
}

/** What `name` is bound to among a block's (or file's) own declarations and imports, if it is declared there. */
function bindingInScope(scope: Node, name: string): Binding | undefined {
  const statements = Node.isSourceFile(scope) || Node.isBlock(scope) || Node.isModuleBlock(scope) ? scope.getStatements() : [];
  for (const statement of statements) {
    if (Node.isVariableStatement(statement)) {
      for (const declaration of statement.getDeclarations()) {
        const nameNode = declaration.getNameNode();
        if (Node.isIdentifier(nameNode) && nameNode.getText() === name) {
          const initializer = declaration.getInitializer();
          // Only a const binding keeps the value it was declared with.
          const constant = statement.getDeclarationKind() === "const";
          return initializer !== undefined && constant ? { kind: "value", node: initializer } : { kind: "opaque" };
        }
        // A destructured name is bound, but not to a literal Kiln can follow.
        if (!Node.isIdentifier(nameNode) && nameNode.getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => identifier.getText() === name)) return { kind: "opaque" };
      }
    } else if ((Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement)) && statement.getName() === name) {
      return { kind: "opaque" };
    } else if (Node.isImportDeclaration(statement)) {
      const specifier = statement.getModuleSpecifierValue();
      if (statement.getDefaultImport()?.getText() === name) return importedValue(statement.getSourceFile(), specifier, "default");
      if (statement.getNamespaceImport()?.getText() === name) return { kind: "opaque" };
      for (const named of statement.getNamedImports()) {
        if ((named.getAliasNode()?.getText() ?? named.getName()) === name) return importedValue(statement.getSourceFile(), specifier, named.getName());
      }
    }
  }
  return undefined;
}

/** Whether a function's parameters bind `name`. */
function parameterBinds(fn: Node, name: string): boolean {
  if (!(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn) || Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn) || Node.isGetAccessorDeclaration(fn))) return false;
  return fn.getParameters().some((parameter) => {
    const nameNode = parameter.getNameNode();
    return Node.isIdentifier(nameNode) ? nameNode.getText() === name : nameNode.getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => identifier.getText() === name);
  });
}

/** What the identifier refers to, looked up from its own scope outwards as JavaScript does. */
export function bindingOf(identifier: Node): Binding {
  const name = identifier.getText();
  for (let scope = identifier.getParent(); scope !== undefined; scope = scope.getParent()) {
    if (parameterBinds(scope, name)) return { kind: "opaque" };
    const found = bindingInScope(scope, name);
    if (found !== undefined) return found;
  }
  return { kind: "opaque" };
}

/** Whether `name` is declared at the top of `sourceFile` (a variable, function or import), so any code in the file can use it. */
export function isTopLevelName(sourceFile: SourceFile, name: string): boolean {
  return bindingInScope(sourceFile, name) !== undefined;
}

/**
 * Follows `node` to the expression that defines it (see the file comment),
 * possibly in another of the config's files; stops at what it cannot follow.
 */
export function resolveExpression(node: Node): Node {
  const seen = new Set<Node>();
  let current = unwrapExpression(node);
  while (Node.isIdentifier(current) && !seen.has(current)) {
    seen.add(current);
    const binding = bindingOf(current);
    if (binding.kind === "opaque") return current;
    current = unwrapExpression(binding.node);
  }
  return current;
}

/** The value of the file's default export (a function's returned value for `export default () => ({ … })`), unresolved. */
export function defaultExportOf(sourceFile: SourceFile): Node | undefined {
  const assignment = sourceFile.getExportAssignment((candidate) => !candidate.isExportEquals());
  if (assignment !== undefined) return assignment.getExpression();
  const defaultFunction = sourceFile.getFunctions().find((fn) => fn.isDefaultExport());
  if (defaultFunction !== undefined) return defaultFunction;
  for (const declaration of sourceFile.getExportDeclarations()) {
    if (declaration.getModuleSpecifier() !== undefined) continue;
    const specifier = declaration.getNamedExports().find((named) => named.getAliasNode()?.getText() === "default");
    if (specifier !== undefined) return specifier.getNameNode();
  }
  return undefined;
}

/** A value as an object literal: followed through bindings and, for a function (the loader calls it), what it returns. */
export function resolveObjectLiteral(node: Node): ObjectLiteralExpression | undefined {
  let resolved = resolveExpression(node);
  const returned = returnedExpression(resolved);
  if (returned !== undefined) resolved = resolveExpression(returned);
  // `export default async () => …` and top-level `await` give the same object.
  if (Node.isAwaitExpression(resolved)) resolved = resolveExpression(resolved.getExpression());
  return Node.isObjectLiteralExpression(resolved) ? resolved : undefined;
}
