/**
 * Writing an edit and keeping it only if the config still type-checks:
 * the config is checked as `kiln check` checks it, and an error the edit
 * brought in (one the file did not have before) puts the file back.
 * Errors the config already had are the user's business, not the edit's.
 */
import { checkConfig, formatConfigDiagnostic, type ConfigDiagnostic } from "../check/check-config.js";
import { EditTypeError } from "./config-edit-error.js";
import { replaceFile } from "./replace-file.js";

/** What {@link writeCheckedEdit} writes and checks. */
export interface CheckedEdit {
  /** The config to type-check (the project file, which imports the edited one if they differ). */
  readonly configFile: string;
  /** The file to change. */
  readonly file: string;
  readonly before: string;
  readonly after: string;
  /** The line of the change, for the error. */
  readonly line: number;
  /** What the change does, for the error: "adding pkgs.ripgrep to machines.laptop". */
  readonly description: string;
  /** `@kiln/*` packages the config may import without installing them (see `checkConfig`). */
  readonly fallbackPackages?: Readonly<Record<string, string>>;
}

/** The errors of a check, by file, code and message (positions move with the edit). */
function errorKeys(diagnostics: readonly ConfigDiagnostic[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity !== "error") continue;
    const key = `${diagnostic.file}\0${diagnostic.code}\0${diagnostic.message}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The errors of `after` that `before` did not have. */
function introducedErrors(before: readonly ConfigDiagnostic[], after: readonly ConfigDiagnostic[]): ConfigDiagnostic[] {
  const known = errorKeys(before);
  return after.filter((diagnostic) => {
    if (diagnostic.severity !== "error") return false;
    const key = `${diagnostic.file}\0${diagnostic.code}\0${diagnostic.message}`;
    const left = known.get(key) ?? 0;
    known.set(key, left - 1);
    return left <= 0;
  });
}

/** A diagnostic with its message cut to its first line and its last (the root cause, in TypeScript's message chains). */
function briefly(diagnostic: ConfigDiagnostic): ConfigDiagnostic {
  const lines = diagnostic.message.split("\n").map((line) => line.trim());
  const first = lines[0] ?? "";
  const last = lines.at(-1) ?? "";
  return { ...diagnostic, message: lines.length > 1 ? `${first} … ${last}` : first };
}

/**
 * Writes `after` over the file and type-checks the config; if the edit
 * introduced type errors, writes `before` back and throws an {@link EditTypeError}.
 */
export function writeCheckedEdit(edit: CheckedEdit): void {
  const options = edit.fallbackPackages === undefined ? {} : { fallbackPackages: edit.fallbackPackages };
  replaceFile(edit.file, edit.after);
  let after: ConfigDiagnostic[];
  try {
    after = checkConfig(edit.configFile, options);
  } catch (error) {
    replaceFile(edit.file, edit.before);
    throw error;
  }
  if (!after.some((diagnostic) => diagnostic.severity === "error")) return;
  // Only now is the check of the original needed: most edits check clean and cost one check.
  replaceFile(edit.file, edit.before);
  const introduced = introducedErrors(checkConfig(edit.configFile, options), after);
  if (introduced.length === 0) {
    replaceFile(edit.file, edit.after);
    return;
  }
  throw new EditTypeError(
    introduced,
    `${edit.description} would make the config fail to type-check, so the file was left as it was:\n${introduced.map((diagnostic) => `  ${formatConfigDiagnostic(briefly(diagnostic))} (in the edited file)`).join("\n")}\nadd the package by hand where it type-checks`,
    { file: edit.file, line: edit.line, column: 1 },
  );
}
