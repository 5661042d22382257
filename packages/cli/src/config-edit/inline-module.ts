/**
 * Inline modules: the elements of a machine's `modules` array that are
 * written right there, so an edit to them changes this machine and no other.
 * An inline module is an object literal, or a function returning one
 * (`({ pkgs }) => ({ … })`), possibly wrapped in `defineMachineModule(…)`.
 * Its option definitions sit in the object itself (`{ environment: … }`) or,
 * in the full form of a module, under `config`.
 */
import { Node, type ArrayLiteralExpression, type ObjectLiteralExpression } from "ts-morph";
import { objectProperties, objectProperty } from "./object-property.js";
import { returnedExpression, unwrapExpression } from "./resolve-expression.js";

/** An inline module of a machine. */
export interface InlineModule {
  /** The element of the `modules` array. */
  readonly element: Node;
  /** The object holding its option definitions, or `undefined` when they are not an object literal (`config: mkIf(…)`). */
  readonly definitions: ObjectLiteralExpression | undefined;
  /** How the module's function names the machine's package set (`pkgs`, `p`, `args.pkgs`), if it is a function that takes it. */
  readonly packageSet: string | undefined;
}

/** Keys that make an object a module in full form, whose definitions are under `config` (as NixOS decides). */
const FULL_FORM_KEYS = new Set(["config", "options", "imports", "_file", "key", "disabledModules", "meta", "freeformType", "_class"]);

/** Wrappers that return their module unchanged, for types and locations. */
const MODULE_WRAPPERS = new Set(["defineMachineModule", "defineModule"]);

function wrappedModule(node: Node): Node {
  const expression = unwrapExpression(node);
  if (!Node.isCallExpression(expression)) return expression;
  const callee = unwrapExpression(expression.getExpression());
  const name = Node.isIdentifier(callee) ? callee.getText() : Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
  const [argument] = expression.getArguments();
  return name !== undefined && MODULE_WRAPPERS.has(name) && argument !== undefined ? unwrapExpression(argument) : expression;
}

/** How a module function's first parameter names the package set: `({ pkgs })`, `({ pkgs: p })`, `(args)` → `args.pkgs`. */
function packageSetParameter(fn: Node): string | undefined {
  if (!(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) return undefined;
  const [parameter] = fn.getParameters();
  if (parameter === undefined) return undefined;
  const name = parameter.getNameNode();
  if (Node.isIdentifier(name)) return `${name.getText()}.pkgs`;
  if (!Node.isObjectBindingPattern(name)) return undefined;
  for (const element of name.getElements()) {
    const property = element.getPropertyNameNode()?.getText() ?? element.getNameNode().getText();
    const local = element.getNameNode();
    if (property === "pkgs" && Node.isIdentifier(local)) return local.getText();
  }
  return undefined;
}

/** The element as an inline module, or `undefined` when it is defined elsewhere (a name, an import, a call). */
export function inlineModuleOf(element: Node): InlineModule | undefined {
  const module = wrappedModule(element);
  let object: Node | undefined = module;
  let packageSet: string | undefined;
  if (Node.isArrowFunction(module) || Node.isFunctionExpression(module)) {
    const returned = returnedExpression(module);
    object = returned === undefined ? undefined : unwrapExpression(returned);
    packageSet = packageSetParameter(module);
  }
  if (object === undefined || !Node.isObjectLiteralExpression(object)) return undefined;
  const fullForm = objectProperties(object).some((property) => FULL_FORM_KEYS.has(property.name));
  if (!fullForm) return { element, definitions: object, packageSet };
  const config = objectProperty(object, "config");
  const definitions = config === undefined ? undefined : unwrapExpression(config.value);
  return { element, definitions: definitions !== undefined && Node.isObjectLiteralExpression(definitions) ? definitions : undefined, packageSet };
}

/** The array literal a module's definitions give `environment.systemPackages`, if they give one, written inline. */
export function systemPackagesArray(module: InlineModule): ArrayLiteralExpression | undefined {
  if (module.definitions === undefined) return undefined;
  const environment = objectProperty(module.definitions, "environment");
  const environmentValue = environment === undefined ? undefined : unwrapExpression(environment.value);
  if (environmentValue === undefined || !Node.isObjectLiteralExpression(environmentValue)) return undefined;
  const packages = objectProperty(environmentValue, "systemPackages");
  const packagesValue = packages === undefined ? undefined : unwrapExpression(packages.value);
  return packagesValue !== undefined && Node.isArrayLiteralExpression(packagesValue) ? packagesValue : undefined;
}
