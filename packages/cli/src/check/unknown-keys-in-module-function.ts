/**
 * A misspelt key in the object a function argument returns, found at the
 * key itself.
 *
 * `defineMachineModule(({ pkgs }) => ({ networking: { hostNmae: "x" } }))`
 * takes a module object or a module function: a union. TypeScript reports
 * a wrong return value of a function passed for a union as one TS2345 at
 * the function, ten lines of types, because it cannot elaborate an error
 * into a union. The returned object literals are still contextually typed
 * by the function member, so this walks them with the checker and names
 * each key no member of its contextual type has, as TypeScript does for an
 * object argument (TS2353, with "Did you mean" when a known key is close).
 */
import { closeNames } from "@kiln/core";
import { ts } from "ts-morph";

/** A key the returned object may not have: where it is, and the message. */
export interface UnknownKey {
  /** Position of the key in its file. */
  readonly start: number;
  /** TypeScript's wording for an excess property, with a suggestion. */
  readonly message: string;
}

function functionAt(node: ts.Node, start: number, file: ts.SourceFile): ts.ArrowFunction | ts.FunctionExpression | undefined {
  if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && node.getStart(file) === start) return node;
  if (node.pos > start || node.end <= start) return undefined;
  for (const child of node.getChildren(file)) {
    const found = functionAt(child, start, file);
    if (found !== undefined) return found;
  }
  return undefined;
}

function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current)) current = current.expression;
  return current;
}

function returnedObjects(fn: ts.ArrowFunction | ts.FunctionExpression): ts.ObjectLiteralExpression[] {
  const found: ts.ObjectLiteralExpression[] = [];
  const add = (expression: ts.Expression | undefined): void => {
    const value = expression === undefined ? undefined : unwrap(expression);
    if (value !== undefined && ts.isObjectLiteralExpression(value)) found.push(value);
  };
  if (!ts.isBlock(fn.body)) {
    add(fn.body);
    return found;
  }
  const visit = (node: ts.Node): void => {
    if (ts.isReturnStatement(node)) add(node.expression);
    // Returns of nested functions are theirs.
    if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn.body, visit);
  return found;
}

function propertyName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) ? name.text : undefined;
}

function unknownKeys(literal: ts.ObjectLiteralExpression, checker: ts.TypeChecker, file: ts.SourceFile, into: UnknownKey[]): void {
  const contextual = checker.getContextualType(literal);
  if (contextual === undefined) return;
  // The plain object members: not functions, and not the module system's wrappers (`mkIf`, `mkMerge`, … carry `_type`).
  const members = (contextual.isUnion() ? contextual.types : [contextual]).filter(
    (type) => (type.flags & ts.TypeFlags.Object) !== 0 && type.getCallSignatures().length === 0 && checker.getPropertyOfType(type, "_type") === undefined,
  );
  if (members.length === 0) return;
  // An index signature accepts the names its key type does (`string`: all; `Uppercase<string>`: environment variables).
  const accepts = (type: ts.Type, name: string): boolean =>
    checker.getPropertyOfType(type, name) !== undefined || checker.getIndexInfosOfType(type).some((info) => checker.isTypeAssignableTo(checker.getStringLiteralType(name), info.keyType));
  for (const property of literal.properties) {
    if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) continue;
    const name = propertyName(property.name);
    if (name === undefined) continue;
    if (members.some((type) => accepts(type, name))) {
      if (ts.isPropertyAssignment(property)) {
        const value = unwrap(property.initializer);
        if (ts.isObjectLiteralExpression(value)) unknownKeys(value, checker, file, into);
      }
      continue;
    }
    const known = [...new Set(members.flatMap((type) => checker.getPropertiesOfType(type).map((symbol) => symbol.getName())))];
    const [closest] = closeNames(name, known, 1);
    const shown = members.map((type) => checker.typeToString(type)).join(" | ");
    into.push({
      start: property.name.getStart(file),
      message:
        closest === undefined
          ? `Object literal may only specify known properties, and '${name}' does not exist in type '${shown}'.`
          : `Object literal may only specify known properties, but '${name}' does not exist in type '${shown}'. Did you mean to write '${closest}'?`,
    });
  }
}

/**
 * The unknown keys of the objects returned by the function that starts at
 * `start` in `file` (where TypeScript put its TS2345); empty when there is
 * no such function or nothing precise to say.
 */
export function unknownKeysInReturnedObjects(file: ts.SourceFile, start: number, checker: ts.TypeChecker): UnknownKey[] {
  const fn = functionAt(file, start, file);
  if (fn === undefined) return [];
  const found: UnknownKey[] = [];
  for (const literal of returnedObjects(fn)) unknownKeys(literal, checker, file, found);
  return found;
}

/**
 * A TS2353 on an object argument of a union type carries no suggestion:
 * the one for the key at `start`, found the same way, with "Did you mean".
 */
export function unknownKeyAt(file: ts.SourceFile, start: number, checker: ts.TypeChecker): UnknownKey | undefined {
  const find = (node: ts.Node): ts.ObjectLiteralExpression | undefined => {
    if (node.pos > start || node.end <= start) return undefined;
    if (ts.isObjectLiteralExpression(node) && node.properties.some((property) => property.name !== undefined && property.name.getStart(file) === start)) return node;
    for (const child of node.getChildren(file)) {
      const found = find(child);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const literal = find(file);
  if (literal === undefined) return undefined;
  const found: UnknownKey[] = [];
  unknownKeys(literal, checker, file, found);
  return found.find((key) => key.start === start);
}

/** Whether `call` calls a function declared by a Kiln package (whose argument types are closed: every key has a meaning). */
function callsKiln(call: ts.CallExpression, checker: ts.TypeChecker): boolean {
  const declaration = checker.getResolvedSignature(call)?.getDeclaration();
  const file = declaration?.getSourceFile().fileName ?? "";
  return /[\\/]@kiln[\\/]|[\\/]packages[\\/](core|modules|pkgs)[\\/](dist|src)[\\/]/.test(file);
}

/**
 * Functions passed to Kiln's own functions (`stdenv.mkDerivation((finalAttrs) => ({ … }))`)
 * whose returned objects have keys their type does not know: TypeScript
 * accepts those (a function's result is not checked for excess properties),
 * Kiln reports them.
 */
export function unknownKeysInKilnCallbacks(file: ts.SourceFile, checker: ts.TypeChecker): UnknownKey[] {
  const found: UnknownKey[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.arguments.some((argument) => ts.isArrowFunction(argument) || ts.isFunctionExpression(argument)) && callsKiln(node, checker)) {
      for (const argument of node.arguments) {
        if (ts.isArrowFunction(argument) || ts.isFunctionExpression(argument)) for (const literal of returnedObjects(argument)) unknownKeys(literal, checker, file, found);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
