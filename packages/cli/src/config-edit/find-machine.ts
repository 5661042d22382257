/**
 * Finding a machine in a project file's syntax: the default export (an
 * object, or a variable or function giving one) → its `machines` (an object
 * literal, or a name bound to one, possibly assembled with spreads) → the
 * machine's property → a `defineMachine({ … })` call (or a name bound to
 * one, possibly imported from another of the project's files).
 */
import { Node, type CallExpression, type ObjectLiteralExpression, type SourceFile } from "ts-morph";
import { ConfigEditError, MachineChoiceError, MachineNotFoundError } from "./config-edit-error.js";
import { nodeLocation } from "./node-location.js";
import { objectProperties, objectProperty, type ObjectProperty } from "./object-property.js";
import { bindingOf, defaultExportOf, resolveExpression, resolveObjectLiteral, unwrapExpression } from "./resolve-expression.js";

/** The machines a project file declares. */
export interface ProjectMachines {
  /** Each machine's property under `machines`, in the order written. */
  readonly machines: readonly ObjectProperty[];
  /** The `machines` object literal. */
  readonly container: ObjectLiteralExpression;
}

/** A machine found in the syntax. */
export interface LocatedMachine {
  /** Its name under `machines`. */
  readonly name: string;
  /** The `defineMachine(…)` call that makes it (possibly in a file the project file imports). */
  readonly call: CallExpression;
  /** The call's argument, `{ pkgs, modules }`. */
  readonly args: ObjectLiteralExpression;
}

const BY_HAND = "add the package to the machine's environment.systemPackages by hand";

/** A short excerpt of a node's text for messages. */
function excerpt(node: Node): string {
  const text = node.getText().replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The project's machines (see the file comment). */
export function projectMachines(sourceFile: SourceFile): ProjectMachines {
  const exported = defaultExportOf(sourceFile);
  if (exported === undefined) {
    throw new ConfigEditError(`the file has no default export; Kiln looks for machines in \`export default { machines: { NAME: defineMachine({ pkgs, modules }) } }\``, { file: sourceFile.getFilePath(), line: 1, column: 1 });
  }
  const root = resolveObjectLiteral(exported);
  if (root === undefined) throw new ConfigEditError(`the default export (\`${excerpt(exported)}\`) is not an object literal Kiln can follow to its machines; ${BY_HAND}`, nodeLocation(exported));
  const machinesProperty = objectProperty(root, "machines", { followSpreads: true });
  if (machinesProperty === undefined) {
    throw new ConfigEditError("the default export has no `machines`; declare them as `machines: { NAME: defineMachine({ pkgs, modules }) }`", nodeLocation(root));
  }
  const container = resolveObjectLiteral(machinesProperty.value);
  if (container === undefined) throw new ConfigEditError(`\`machines\` (\`${excerpt(machinesProperty.value)}\`) is not an object literal Kiln can follow; ${BY_HAND}`, nodeLocation(machinesProperty.value));
  return { machines: objectProperties(container, { followSpreads: true }), container };
}

/** Whether `call` calls `defineMachine`, under that name, an import alias of it, or as `something.defineMachine`. */
function callsDefineMachine(call: CallExpression): boolean {
  const callee = unwrapExpression(call.getExpression());
  if (Node.isPropertyAccessExpression(callee)) return callee.getName() === "defineMachine";
  if (!Node.isIdentifier(callee)) return false;
  if (callee.getText() === "defineMachine") return true;
  // `import { defineMachine as machine } from "@kiln/modules"`: an opaque binding, so check the imports.
  if (bindingOf(callee).kind !== "opaque") return false;
  return callee
    .getSourceFile()
    .getImportDeclarations()
    .some((declaration) => declaration.getNamedImports().some((named) => named.getName() === "defineMachine" && named.getAliasNode()?.getText() === callee.getText()));
}

/** The machine called `name` (or the only one, when `name` is not given), as a `defineMachine` call. */
export function findMachine(sourceFile: SourceFile, name?: string): LocatedMachine {
  const { machines, container } = projectMachines(sourceFile);
  const names = machines.map((machine) => machine.name);
  let property: ObjectProperty | undefined;
  if (name === undefined) {
    if (machines.length !== 1) throw new MachineChoiceError(names, nodeLocation(container));
    property = machines[0];
  } else {
    property = machines.find((machine) => machine.name === name);
    if (property === undefined) throw new MachineNotFoundError(name, names, nodeLocation(container));
  }
  const machine = property as ObjectProperty;
  const value = resolveExpression(machine.value);
  if (!Node.isCallExpression(value) || !callsDefineMachine(value)) {
    throw new ConfigEditError(`machines.${machine.name} (\`${excerpt(value)}\`) is not a defineMachine({ … }) call Kiln can follow; ${BY_HAND}`, nodeLocation(value));
  }
  const [argument] = value.getArguments();
  const args = argument === undefined ? undefined : resolveObjectLiteral(argument);
  if (args === undefined) throw new ConfigEditError(`the argument of machines.${machine.name}'s defineMachine call is not an object literal Kiln can follow; ${BY_HAND}`, nodeLocation(argument ?? value));
  return { name: machine.name, call: value, args };
}
