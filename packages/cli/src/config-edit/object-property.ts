/**
 * The properties of an object literal as JavaScript sees them: by name,
 * whether written `a: …`, `"a": …`, `a` (shorthand) or `get a() { … }`,
 * with a later property overriding an earlier one, and optionally with
 * `...spread` objects followed (for the `machines` of a config, which may be
 * assembled from several).
 */
import { Node, type ObjectLiteralExpression } from "ts-morph";
import { propertyNameText, resolveObjectLiteral, returnedExpression } from "./resolve-expression.js";

/** One property: its name, the node that names it, and the expression that gives its value. */
export interface ObjectProperty {
  readonly name: string;
  readonly nameNode: Node;
  /** The value as written (a shorthand property's value is its name, to be resolved). */
  readonly value: Node;
}

/** How {@link objectProperties} treats `...spread` elements. */
export interface ObjectPropertiesOptions {
  /** Include the properties of spread objects that are literals Kiln can follow. */
  readonly followSpreads?: boolean;
}

/** The properties of `object`, in order, each name once (the last definition wins, as in JavaScript). */
export function objectProperties(object: ObjectLiteralExpression, options: ObjectPropertiesOptions = {}): ObjectProperty[] {
  const byName = new Map<string, ObjectProperty>();
  for (const property of object.getProperties()) {
    if (Node.isSpreadAssignment(property)) {
      const spread = options.followSpreads === true ? resolveObjectLiteral(property.getExpression()) : undefined;
      for (const inner of spread === undefined ? [] : objectProperties(spread, options)) {
        byName.delete(inner.name);
        byName.set(inner.name, inner);
      }
      continue;
    }
    const nameNode = property.getNameNode();
    const name = propertyNameText(nameNode);
    if (name === undefined) continue;
    let value: Node | undefined;
    if (Node.isPropertyAssignment(property)) value = property.getInitializer();
    else if (Node.isShorthandPropertyAssignment(property)) value = nameNode;
    else if (Node.isGetAccessorDeclaration(property)) value = returnedExpression(property);
    if (value === undefined) continue;
    byName.delete(name);
    byName.set(name, { name, nameNode, value });
  }
  return [...byName.values()];
}

/** The property called `name`, if `object` has one. */
export function objectProperty(object: ObjectLiteralExpression, name: string, options: ObjectPropertiesOptions = {}): ObjectProperty | undefined {
  return objectProperties(object, options).find((property) => property.name === name);
}
