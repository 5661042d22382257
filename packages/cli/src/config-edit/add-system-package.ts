/**
 * `addSystemPackage`: add a package to a machine's
 * `environment.systemPackages` by editing the project file (`kiln.ts`) in
 * place: an imperative command that leaves a declarative change. The library
 * side of `kiln add`.
 *
 * The machine is found in the file's syntax (see `find-machine.ts`), the
 * package is looked up in the machine's own evaluated package set, and the
 * change is the smallest text insertion that lists it, in the file's style
 * (see `plan-system-package-edit.ts`); the rest of the file stays byte for
 * byte. The new file is written atomically and kept only if the config
 * still type-checks.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { ConfigNotFoundError, evaluateInstallable, formatAttrPath, parseAttrPath, resolveConfigFile, unifiedDiff, type EvaluateOptions } from "@kiln/core";
import { Project } from "ts-morph";
import { writeCheckedEdit } from "./checked-write.js";
import { ConfigEditError, UnknownPackageError } from "./config-edit-error.js";
import { findMachine } from "./find-machine.js";
import { isInstalled, machinePackage } from "./machine-package.js";
import { planSystemPackageEdit } from "./plan-system-package-edit.js";
import { replaceFile } from "./replace-file.js";

const BYTE_ORDER_MARK = "\uFEFF";

/** Options of {@link addSystemPackage}. */
export interface AddSystemPackageOptions extends EvaluateOptions {
  /** The machine, by its name under `machines`; may be left out when the project has exactly one. */
  readonly machine?: string;
  /** Work out the change and its diff, but write nothing. */
  readonly dryRun?: boolean;
  /** Type-check the config after the edit and put the file back if the edit broke it (default `true`). */
  readonly typeCheck?: boolean;
}

/** What {@link addSystemPackage} did (or, with `dryRun`, would do). */
export interface AddSystemPackageResult {
  /** `added`, `would-add` (a dry run), or `already-installed` (nothing changed). */
  readonly outcome: "added" | "would-add" | "already-installed";
  /** The machine's name under `machines`. */
  readonly machine: string;
  /** The file changed, or the one listing the package already (the project file, or one it imports). */
  readonly file: string;
  /**
   * The 1-based line of the package in that file; `undefined` when it is
   * installed by a module Kiln did not look into (an imported module, or a
   * program's module that installs it).
   */
  readonly line: number | undefined;
  /** The package as written, e.g. `pkgs.ripgrep`. */
  readonly expression: string;
  /** Whether a new inline module was appended to the machine's `modules` to hold it. */
  readonly newModule: boolean;
  /** The change as a unified diff, with paths relative to the project file's directory; empty when nothing changes. */
  readonly diff: string;
}

/**
 * Adds the package `attribute` (an attribute path of the machine's package
 * set: `ripgrep`, `obsPlugins.obs-backgroundremoval`) to a machine of the
 * project `file` (a `kiln.ts`, or its directory); see the file comment.
 */
export async function addSystemPackage(file: string, attribute: string, options: AddSystemPackageOptions = {}): Promise<AddSystemPackageResult> {
  const configFile = resolveConfigFile(file);
  if (!existsSync(configFile)) throw new ConfigNotFoundError(`config file '${configFile}' does not exist; give the project file with --file FILE`);
  const names = parseAttrPath(attribute);
  if (names.length === 0 || names.some((name) => name === "")) throw new UnknownPackageError(attribute, [], `'${attribute}' is not a package name; give an attribute of the package set, e.g. 'ripgrep' or 'obsPlugins.obs-backgroundremoval'.`);

  // Only reading syntax: no compiler options, no dependencies loaded.
  const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  const machine = findMachine(project.addSourceFileAtPath(configFile), options.machine);
  const edit = planSystemPackageEdit(machine, names);
  const result = { machine: machine.name, file: edit.file, expression: edit.expression, newModule: edit.newModule };

  const { value } = await evaluateInstallable(`${configFile}#machines.${formatAttrPath([machine.name])}`, options);
  const derivation = machinePackage(value, machine.name, names);
  if (edit.alreadyListed) return { ...result, outcome: "already-installed", line: edit.line, diff: "" };
  if (isInstalled(value, derivation)) return { ...result, outcome: "already-installed", line: undefined, diff: "" };

  const diff = unifiedDiff(relative(dirname(configFile), edit.file), edit.before, edit.after);
  if (options.dryRun === true) return { ...result, outcome: "would-add", line: edit.line, diff };
  const onDisk = readFileSync(edit.file, "utf8");
  // The compiler drops a byte order mark from the text it parses; the file keeps its own.
  const mark = onDisk.startsWith(BYTE_ORDER_MARK) ? BYTE_ORDER_MARK : "";
  // Evaluating took a while; an editor may have saved the file meanwhile.
  if (onDisk !== mark + edit.before) throw new ConfigEditError("the file changed while Kiln was editing it; nothing was written, run the command again", { file: edit.file, line: edit.line, column: 1 });
  const description = `adding ${edit.expression} to machines.${machine.name}`;
  const checked = { configFile, file: edit.file, before: mark + edit.before, after: mark + edit.after, line: edit.line, description };
  if (options.typeCheck === false) replaceFile(edit.file, checked.after);
  else writeCheckedEdit({ ...checked, ...(options.fallbackPackages !== undefined ? { fallbackPackages: options.fallbackPackages } : {}) });
  return { ...result, outcome: "added", line: edit.line, diff };
}
