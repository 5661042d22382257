/**
 * `checkConfig`: type-checks a `kiln.ts` and everything it imports with the
 * TypeScript compiler (through ts-morph), before anything runs. Option
 * paths, derivation attributes and fetcher arguments are all typed, so a
 * misspelt option or a wrong value is reported here with its position.
 *
 * A config outside any Node project still sees `@kiln/*` (this CLI's own
 * copies) and Node's types, as when it is loaded.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PACKAGE_NAMES_FILE_NAME } from "@kiln/debian";
import { declarationPaths, nodeTypesRoot } from "./kiln-declarations.js";
import { unknownKeyAt, unknownKeysInKilnCallbacks, unknownKeysInReturnedObjects, type UnknownKey } from "./unknown-keys-in-module-function.js";
import { DiagnosticCategory, ModuleKind, ModuleResolutionKind, Project, ScriptTarget, ts, type Diagnostic, type SourceFile } from "ts-morph";

/** One problem the compiler found. */
export interface ConfigDiagnostic {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly severity: "error" | "warning";
  /** `TS2322` and the like. */
  readonly code: string;
  readonly message: string;
}

/** Options of {@link checkConfig}. */
export interface CheckConfigOptions {
  /** `@kiln/*` packages the config may import without installing them: name → URL of the package's entry. */
  readonly fallbackPackages?: Readonly<Record<string, string>>;
}

function keyDiagnostic(sourceFile: SourceFile, key: UnknownKey): ConfigDiagnostic {
  const { line, column } = sourceFile.getLineAndColumnAtPos(key.start);
  return { file: sourceFile.getFilePath(), line, column, severity: "error", code: "TS2353", message: key.message };
}

/**
 * A TS2345 at a function argument becomes one diagnostic per misspelt key
 * of the objects it returns, and a TS2353 without a suggestion gains one.
 */
function precise(diagnostic: Diagnostic, checker: ts.TypeChecker): ConfigDiagnostic[] | undefined {
  const sourceFile = diagnostic.getSourceFile();
  if (sourceFile === undefined) return undefined;
  const start = diagnostic.getStart() ?? 0;
  if (diagnostic.getCode() === 2345) {
    const keys = unknownKeysInReturnedObjects(sourceFile.compilerNode, start, checker);
    return keys.length === 0 ? undefined : keys.map((key) => keyDiagnostic(sourceFile, key));
  }
  if (diagnostic.getCode() === 2353) {
    const key = unknownKeyAt(sourceFile.compilerNode, start, checker);
    return key === undefined || !key.message.includes("Did you mean") ? undefined : [keyDiagnostic(sourceFile, key)];
  }
  return undefined;
}

function toDiagnostic(diagnostic: Diagnostic): ConfigDiagnostic | undefined {
  const sourceFile = diagnostic.getSourceFile();
  if (sourceFile === undefined) return undefined;
  const start = diagnostic.getStart() ?? 0;
  const { line, column } = sourceFile.getLineAndColumnAtPos(start);
  const text = diagnostic.getMessageText();
  const message = typeof text === "string" ? text : ts.flattenDiagnosticMessageText(text.compilerObject, "\n");
  return {
    file: sourceFile.getFilePath(),
    line,
    column,
    severity: diagnostic.getCategory() === DiagnosticCategory.Error ? "error" : "warning",
    code: `TS${diagnostic.getCode()}`,
    message,
  };
}

/** A secret where a string is expected: TypeScript's words, and what to write instead (its value must never reach the store). */
const SECRET_AS_STRING = /Type '(Secret|SecretTemplate)' is not assignable to/;

function withSecretHint(diagnostic: ConfigDiagnostic | undefined): ConfigDiagnostic | undefined {
  if (diagnostic === undefined) return undefined;
  const match = SECRET_AS_STRING.exec(diagnostic.message) ?? /Argument of type '(Secret|SecretTemplate)' is not assignable/.exec(diagnostic.message);
  if (match === null) return diagnostic;
  const hint =
    match[1] === "Secret"
      ? "a Secret is not a string: its value must never reach the store. Use its path (`${secret}` or secret.path, /run/kiln/secrets/NAME) for a program that reads it from a file, or secretTemplate() for a file that must contain it"
      : "a SecretTemplate is not a string: use its path (`${template}` or template.path)";
  return { ...diagnostic, message: `${hint}\n${diagnostic.message}` };
}

/** Type-checks `file` and its imports; returns the problems in the user's own files, in order. */
export function checkConfig(file: string, options: CheckConfigOptions = {}): ConfigDiagnostic[] {
  const path = resolve(file);
  const paths = declarationPaths(options.fallbackPackages ?? {});
  const typesRoot = nodeTypesRoot();
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: ScriptTarget.ES2022,
      module: ModuleKind.ESNext,
      // Configs import siblings without extensions, as Kiln's loader allows.
      moduleResolution: ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      esModuleInterop: true,
      // A package the config's own project installs wins; Kiln's copies are the fallback.
      baseUrl: dirname(path),
      paths: Object.fromEntries(Object.entries(paths).map(([name, targets]) => [name, [...targets]])),
      ...(typesRoot !== undefined ? { typeRoots: [join(dirname(path), "node_modules", "@types"), typesRoot], types: ["node"] } : {}),
    },
  });
  project.addSourceFileAtPath(path);
  project.resolveSourceFileDependencies();
  // The package names of Debian inputs, declared beside the lock of each file that may call debian() (no file imports them).
  const names = new Set(project.getSourceFiles().filter((sourceFile) => !sourceFile.isInNodeModules()).map((sourceFile) => join(dirname(sourceFile.getFilePath()), PACKAGE_NAMES_FILE_NAME)));
  const declared = [...names].filter((file) => existsSync(file));
  if (declared.length > 0) {
    for (const file of declared) project.addSourceFileAtPath(file);
    project.resolveSourceFileDependencies();
  }
  const checker = project.getTypeChecker().compilerObject;
  const compiled = project.getPreEmitDiagnostics().flatMap((diagnostic) => precise(diagnostic, checker) ?? [withSecretHint(toDiagnostic(diagnostic))]);
  // Keys TypeScript accepts in functions' results but Kiln's types do not know (a misspelt mkDerivation attribute).
  const reported = new Set(compiled.map((diagnostic) => (diagnostic === undefined ? "" : `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`)));
  const callbacks = project
    .getSourceFiles()
    .filter((sourceFile) => !sourceFile.getFilePath().includes("/node_modules/") && !sourceFile.isDeclarationFile())
    .flatMap((sourceFile) => unknownKeysInKilnCallbacks(sourceFile.compilerNode, checker).map((key) => keyDiagnostic(sourceFile, key)))
    .filter((diagnostic) => !reported.has(`${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`));
  const diagnostics = [...compiled, ...callbacks];
  return diagnostics
    .filter((diagnostic): diagnostic is ConfigDiagnostic => diagnostic !== undefined && !diagnostic.file.includes("/node_modules/") && !Object.values(paths).some((targets) => targets.some((target) => diagnostic.file.startsWith(dirname(target)))))
    .sort((left, right) => (left.file === right.file ? left.line - right.line || left.column - right.column : left.file < right.file ? -1 : 1));
}

/** Formats a diagnostic as `file:line:col: error TS2322: message`. */
export function formatConfigDiagnostic(diagnostic: ConfigDiagnostic): string {
  return `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`;
}
