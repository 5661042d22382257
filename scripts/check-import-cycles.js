#!/usr/bin/env node
/**
 * Fails when source files of the repository import each other in a circle.
 *
 * A circle of imports makes the order in which ES modules initialise depend
 * on which file is loaded first (a `class` or `const` read before its module
 * ran is a TDZ error), and it means the files form one layer whatever the
 * folders say. Every `import`/`export … from` between the repository's own
 * files counts, `import type` included (a type-only circle is still two
 * layers that know each other); dynamic `import()` does not (it is the
 * deliberate way to load something later). `@kiln/<package>` imports are
 * followed to the package's `src/`, so circles between packages count too.
 *
 * Usage: `node scripts/check-import-cycles.js [--runtime-only] [--root DIR]`;
 * prints every circle (its files and the imports that tie it) and exits 1 if
 * one is not in the allow-list below. `--runtime-only` leaves out type-only
 * imports; `--root` checks another checkout (the repository's by default).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const rootArgument = process.argv.indexOf("--root");
const root = rootArgument === -1 ? resolve(dirname(fileURLToPath(import.meta.url)), "..") : resolve(process.argv[rootArgument + 1] ?? ".");

/**
 * Circles known when the check was introduced, in packages whose owners were
 * restructuring them at the same time. Each entry is the exact set of files
 * of one circle: the check fails if a listed circle grows, and says when one
 * is gone so that its entry can be deleted. To be emptied, not extended:
 * all of them are broken now, so any circle fails the check.
 *
 * @type {readonly { readonly files: readonly string[] }[]}
 */
const ALLOWED = [];

/** Folders whose files are part of the import graph. */
const ROOTS = ["packages", "docs/builder", "examples", "bench", "scripts"];
const SKIPPED = new Set(["node_modules", "dist", ".cache", "fixtures"]);
const SOURCE = /\.(ts|tsx|mts|js|mjs)$/;

function sourceFiles(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (SKIPPED.has(name) || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** `@kiln/<name>` → the package's folder, from each workspace package's manifest. */
function workspacePackages() {
  const packages = new Map();
  const packagesDir = join(root, "packages");
  const dirs = existsSync(packagesDir) ? readdirSync(packagesDir).map((name) => join(packagesDir, name)) : [];
  for (const dir of [...dirs, join(root, "docs/builder")]) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) packages.set(JSON.parse(readFileSync(manifest, "utf8")).name, dir);
  }
  return packages;
}

function firstExisting(candidates) {
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/** The file an import specifier names, or undefined for a package outside the repository. */
function resolveSpecifier(from, specifier, packages) {
  let base;
  if (specifier.startsWith(".")) base = resolve(dirname(from), specifier);
  else {
    const match = /^(@[^/]+\/[^/]+|[^@/][^/]*)(?:\/(.*))?$/.exec(specifier);
    const dir = match === null ? undefined : packages.get(match[1]);
    if (dir === undefined) return undefined;
    base = join(dir, "src", match[2] ?? "index");
  }
  const stem = base.replace(/\.(js|mjs|ts)$/, "");
  return firstExisting([base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.js`, `${stem}.mjs`, join(base, "index.ts"), join(base, "index.js")]);
}

function isTypeOnlyImport(node) {
  const clause = node.importClause;
  if (clause === undefined) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

function isTypeOnlyExport(node) {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly);
}

/** The static imports of one file: specifier and whether it is type-only. */
function importsOf(path) {
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, false);
  const found = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      found.push({ specifier: statement.moduleSpecifier.text, typeOnly: isTypeOnlyImport(statement) });
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier)) {
      found.push({ specifier: statement.moduleSpecifier.text, typeOnly: isTypeOnlyExport(statement) });
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference) && ts.isStringLiteral(statement.moduleReference.expression)) {
      found.push({ specifier: statement.moduleReference.expression.text, typeOnly: statement.isTypeOnly });
    }
  }
  return found;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function circles(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const result = [];
  const visit = (start) => {
    // Iterative, so that a deep import chain cannot overflow the call stack.
    const work = [{ node: start, edges: [...(graph.get(start) ?? new Set())], next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.next < frame.edges.length) {
        const target = frame.edges[frame.next++];
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, edges: [...(graph.get(target) ?? new Set())], next: 0 });
        } else if (onStack.has(target)) low.set(frame.node, Math.min(low.get(frame.node), index.get(target)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent), low.get(frame.node)));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1 || graph.get(frame.node)?.has(frame.node)) result.push(component.sort());
      }
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return result;
}

const runtimeOnly = process.argv.includes("--runtime-only");
const packages = workspacePackages();
const files = ROOTS.flatMap((dir) => sourceFiles(join(root, dir), []));
const graph = new Map();
let importCount = 0;
for (const file of files) {
  const targets = new Set();
  for (const { specifier, typeOnly } of importsOf(file)) {
    if (runtimeOnly && typeOnly) continue;
    const target = resolveSpecifier(file, specifier, packages);
    if (target === undefined) continue;
    targets.add(target);
    importCount++;
  }
  graph.set(file, targets);
}

const shown = (file) => relative(root, file).split(sep).join("/");
const key = (members) => members.map(shown).sort().join("\n");
const allowed = new Map(ALLOWED.map((entry) => [key(entry.files), entry]));
const found = circles(graph);
let failed = 0;
for (const component of found) {
  const members = new Set(component);
  const isAllowed = allowed.has(key(component));
  allowed.delete(key(component));
  if (!isAllowed) failed++;
  console.log(`${isAllowed ? "allowed" : "import circle"} (${component.length} files):`);
  for (const file of component) {
    const inside = [...(graph.get(file) ?? [])].filter((target) => members.has(target));
    console.log(`  ${shown(file)} -> ${inside.map(shown).join(", ")}`);
  }
}
for (const entry of allowed.values()) console.log(`allow-listed circle no longer found, delete its entry: ${entry.files.join(", ")}`);
console.log(`${files.length} files, ${importCount} imports between them${runtimeOnly ? " (type-only imports left out)" : ""}: ${found.length} circle(s), ${failed} not allowed.`);
if (failed > 0) {
  console.error("Break each circle above: move what both files need into a file below them, or pass it in as an argument.");
  process.exit(1);
}
