/**
 * Working out, from the syntax alone, how to add a package to a machine's
 * `environment.systemPackages`: append it to the array of one of the
 * machine's inline modules, naming the package set as its other packages
 * do, else as the module can (its function's `pkgs`, the set given to
 * `defineMachine`, a top-level `pkgs`); or, when no inline module lists
 * packages, append a module that does to the machine's `modules`. The plan
 * is the file's text before and after; nothing is written here.
 */
import { Node, SyntaxKind, type ArrayLiteralExpression } from "ts-morph";
import { appendArrayElement, type ElementInsertion } from "./array-insertion.js";
import { ConfigEditError } from "./config-edit-error.js";
import type { LocatedMachine } from "./find-machine.js";
import { inlineModuleOf, systemPackagesArray } from "./inline-module.js";
import { nodeLocation } from "./node-location.js";
import { objectProperty } from "./object-property.js";
import { accessChain, packageAccess, propertyName, quoted, quoteStyleOf } from "./package-reference.js";
import { isTopLevelName, resolveExpression, unwrapExpression } from "./resolve-expression.js";
import { applyInsertions } from "./text-insertion.js";

/** The planned change to one file. */
export interface SystemPackageEdit {
  /** The file to change: the project file, or the file of its that defines the machine. */
  readonly file: string;
  /** Its text now. */
  readonly before: string;
  /** Its text with the package added; equal to `before` when the package is already listed. */
  readonly after: string;
  /** The package as written, e.g. `pkgs.ripgrep`. */
  readonly expression: string;
  /** The 1-based line of the package in `after`: the new element, or the one already listed. */
  readonly line: number;
  /** The package is listed already; nothing changes. */
  readonly alreadyListed: boolean;
  /** A new inline module was appended to `modules`, as no inline module lists packages. */
  readonly newModule: boolean;
}

/** The machine's `modules` array literal, if it can be edited for this machine alone. */
function modulesArray(machine: LocatedMachine): ArrayLiteralExpression {
  const property = objectProperty(machine.args, "modules");
  if (property === undefined) throw new ConfigEditError(`machines.${machine.name}'s defineMachine call has no \`modules\`; give it \`modules: []\``, nodeLocation(machine.args));
  const array = resolveExpression(property.value);
  if (!Node.isArrayLiteralExpression(array)) {
    throw new ConfigEditError(`machines.${machine.name}'s modules (\`${property.value.getText()}\`) are not an array literal Kiln can follow; add the package to environment.systemPackages by hand`, nodeLocation(property.value));
  }
  const written = unwrapExpression(property.value);
  if (written !== array && Node.isIdentifier(written)) {
    // An array named and shared by several machines must not change under all of them: it may be used here and where it is declared, no more.
    const uses = written.getSourceFile().getDescendantsOfKind(SyntaxKind.Identifier).filter((identifier) => identifier.getText() === written.getText() && isReference(identifier)).length;
    if (uses > 2 || array.getSourceFile() !== written.getSourceFile()) {
      throw new ConfigEditError(`machines.${machine.name}'s modules are the array \`${written.getText()}\`, which other machines may share; add the package to environment.systemPackages by hand`, nodeLocation(written));
    }
  }
  return array;
}

/** Whether an identifier names a binding, rather than a property (`modules` in `{ modules: … }` or `x.modules`). */
function isReference(identifier: Node): boolean {
  const parent = identifier.getParent();
  if (parent === undefined) return true;
  if ((Node.isPropertyAssignment(parent) || Node.isPropertySignature(parent) || Node.isMethodDeclaration(parent) || Node.isGetAccessorDeclaration(parent)) && parent.getNameNode() === identifier) return false;
  if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === identifier) return false;
  return true;
}

/** The name `defineMachine({ pkgs: … })` gives the package set, when it is a plain name. */
function machinePackageSetName(machine: LocatedMachine): string | undefined {
  const property = objectProperty(machine.args, "pkgs");
  if (property === undefined) return undefined;
  const value = unwrapExpression(property.value);
  return Node.isIdentifier(value) ? value.getText() : undefined;
}

/** Whether `element` names the package `names`, through whatever names the set (`pkgs.x`, `p.x`, `args.pkgs.x`). */
function namesPackage(element: Node, names: readonly string[]): boolean {
  const chain = accessChain(element);
  if (chain === undefined || chain.length <= names.length) return false;
  const tail = chain.slice(chain.length - names.length);
  const set = chain.slice(0, chain.length - names.length);
  return tail.every((name, index) => name === names[index]) && (set.length === 1 || set.at(-1) === "pkgs");
}

/** Whether some element of `array` is a package of `set` (`pkgs.jq` for `pkgs`, `args.pkgs.jq` for `args.pkgs`). */
function usesSet(array: ArrayLiteralExpression, set: string): boolean {
  const setChain = set.split(".");
  return array.getElements().some((element) => {
    const chain = accessChain(element);
    return chain !== undefined && chain.length > setChain.length && setChain.every((name, index) => chain[index] === name);
  });
}

/** The one name the array's packages are taken from (`p` of `[p.a, p.b]`), if they share one. */
function sharedRoot(array: ArrayLiteralExpression): string | undefined {
  // A bare name (`[myTool]`) says nothing about where packages come from.
  const roots = new Set(array.getElements().flatMap((element) => {
    const chain = accessChain(element);
    return chain !== undefined && chain.length > 1 ? [chain[0] as string] : [];
  }));
  const [root] = roots;
  return roots.size === 1 ? root : undefined;
}

/**
 * How to name the package set in `array`: as its packages do, preferring a
 * name known to be the set (the module function's, the one given to
 * `defineMachine`, a top-level `pkgs`); failing that, the first such name.
 */
function packageSetFor(array: ArrayLiteralExpression, known: readonly (string | undefined)[]): string | undefined {
  const candidates = known.filter((set): set is string => set !== undefined);
  return candidates.find((set) => usesSet(array, set)) ?? sharedRoot(array) ?? candidates[0];
}

/** The type of a function module's `pkgs` parameter, naming only the package it uses, so the module type-checks. */
function packageSetType(names: readonly string[], quote: string): string {
  const packageValue = `import(${quoted("@kiln/modules", quote)}).PackageValue`;
  return names.reduceRight((type, name) => `{ ${propertyName(name, quote)}: ${type} }`, packageValue);
}

function lineOf(node: Node): number {
  return node.getSourceFile().getLineAndColumnAtPos(node.getStart()).line;
}

/** Plans adding the package `names` (`["ripgrep"]`, `["obsPlugins", "obs-backgroundremoval"]`) to the machine (see the file comment). */
export function planSystemPackageEdit(machine: LocatedMachine, names: readonly string[]): SystemPackageEdit {
  const modules = modulesArray(machine);
  const sourceFile = modules.getSourceFile();
  const before = sourceFile.getFullText();
  const file = sourceFile.getFilePath();
  const quote = quoteStyleOf(sourceFile);
  const machineSet = machine.args.getSourceFile() === sourceFile ? machinePackageSetName(machine) : undefined;
  const inline = modules.getElements().flatMap((element) => {
    const module = inlineModuleOf(element);
    const array = module === undefined ? undefined : systemPackagesArray(module);
    return module === undefined || array === undefined ? [] : [{ module, array }];
  });

  for (const { array } of inline) {
    const listed = array.getElements().find((element) => namesPackage(element, names));
    if (listed !== undefined) return { file, before, after: before, expression: listed.getText(), line: lineOf(listed), alreadyListed: true, newModule: false };
  }

  for (const { module, array } of inline) {
    const set = packageSetFor(array, [module.packageSet, machineSet, isTopLevelName(sourceFile, "pkgs") ? "pkgs" : undefined]);
    if (set === undefined) continue;
    const expression = packageAccess(set, names, quote);
    return planned(file, before, expression, appendArrayElement(array, expression), false);
  }

  // No inline module lists packages: add one that does, naming the machine's own set.
  if (machineSet !== undefined) {
    const expression = packageAccess(machineSet, names, quote);
    return planned(file, before, expression, appendArrayElement(modules, `{ environment: { systemPackages: [${expression}] } }`), true);
  }
  const expression = packageAccess("pkgs", names, quote);
  const module = `({ pkgs }: { pkgs: ${packageSetType(names, quote)} }) => ({ environment: { systemPackages: [${expression}] } })`;
  return planned(file, before, expression, appendArrayElement(modules, module), true);
}

function planned(file: string, before: string, expression: string, insertion: ElementInsertion, newModule: boolean): SystemPackageEdit {
  return { file, before, after: applyInsertions(before, insertion.insertions), expression, line: insertion.line, alreadyListed: false, newModule };
}
