/**
 * Merging the declarations of one option made in several modules
 * (nixpkgs' `mergeOptionDecls`). Two declarations may not both give a
 * default, example, description or apply function, and their types must be
 * the same or mergeable (submodules merge by combining their modules).
 *
 * Value fields are copied as getters, never read here: a declaration of a
 * module function may need that module's second call for a value (see
 * `placeholder/module-calls.ts`), which must only happen when the value is used.
 */
import { InvalidModuleError } from "../errors/invalid-module-error.js";
import type { AnyOptionDeclaration } from "../options/option-declaration.js";
import { showFiles, showOption, type OptionPath } from "../options/show-option.js";
import type { AnyOptionType } from "../types/option-type.js";
import { unspecified } from "../types/primitive-types.js";
import { declarationHas } from "../placeholder/index.js";

/** A declaration with the file of the module that made it. */
export interface LocatedDeclaration {
  /** The declaring module's file. */
  readonly file: string;
  /** The `mkOption` result. */
  readonly declaration: AnyOptionDeclaration;
}

/** The merged declaration of an option. */
export interface OptionRecord {
  /** The option's path (including the evaluation prefix). */
  readonly loc: OptionPath;
  /** Files of all declarations. */
  readonly declarations: readonly string[];
  /** The merged type. */
  readonly type: AnyOptionType;
  /** The declaration that holds the default, if any. */
  readonly defaultDeclaration: LocatedDeclaration | undefined;
  /** The declaration fields, merged. */
  readonly declaration: AnyOptionDeclaration;
}

const UNIQUE_FIELDS = ["default", "example", "description", "apply"] as const;

function copyField(merged: Record<string, unknown>, declaration: AnyOptionDeclaration, field: string): void {
  Object.defineProperty(merged, field, { enumerable: true, configurable: true, get: () => (declaration as unknown as Record<string, unknown>)[field] });
}

function mergeTypes(loc: OptionPath, current: AnyOptionType, next: AnyOptionType, file: string, previousFiles: readonly string[]): AnyOptionType {
  if (current === next) return current;
  const merged = current.typeMerge?.(next);
  if (merged !== undefined) return merged;
  if (current.name === next.name && current.description === next.description && current.typeMerge === undefined) return current;
  throw new InvalidModuleError(`The option \`${showOption(loc)}' in \`${file}' is already declared in ${showFiles(previousFiles)}.`);
}

/** The common case, one declaration used as is (made for every option merged, so kept small). */
class SingleDeclaration implements OptionRecord {
  readonly loc: OptionPath;
  readonly #only: LocatedDeclaration;

  constructor(loc: OptionPath, only: LocatedDeclaration) {
    this.loc = loc;
    this.#only = only;
  }

  get declarations(): readonly string[] {
    return [this.#only.file];
  }

  get type(): AnyOptionType {
    return this.#only.declaration.type ?? unspecified;
  }

  get defaultDeclaration(): LocatedDeclaration | undefined {
    return this.#only.declaration.hasDefault ? this.#only : undefined;
  }

  get declaration(): AnyOptionDeclaration {
    return this.#only.declaration;
  }
}

/** Merges all declarations of the option at `loc`. */
export function mergeOptionDeclarations(loc: OptionPath, declarations: readonly LocatedDeclaration[]): OptionRecord {
  const [only] = declarations;
  if (declarations.length === 1 && only !== undefined) return new SingleDeclaration(loc, only);
  const merged: Record<string, unknown> = { _type: "option", hasDefault: false };
  const files: string[] = [];
  let type: AnyOptionType | undefined;
  let defaultDeclaration: LocatedDeclaration | undefined;
  const seen = new Set<string>();
  for (const located of declarations) {
    const { declaration, file } = located;
    for (const field of UNIQUE_FIELDS) {
      if (declarationHas(declaration, field) && (field === "default" ? defaultDeclaration !== undefined : seen.has(field))) {
        throw new InvalidModuleError(`The option \`${showOption(loc)}' in \`${file}' is already declared in ${showFiles(files)}.`);
      }
    }
    if (declaration.type !== undefined) type = type === undefined ? declaration.type : mergeTypes(loc, type, declaration.type, file, files);
    if (declaration.hasDefault) defaultDeclaration = located;
    for (const field of ["defaultText", "example", "description", "readOnly", "internal", "visible", "apply"] as const) {
      if (declarationHas(declaration, field)) {
        seen.add(field);
        copyField(merged, declaration, field);
      }
    }
    files.push(file);
  }
  if (defaultDeclaration !== undefined) {
    merged["hasDefault"] = true;
    const source = defaultDeclaration.declaration;
    Object.defineProperty(merged, "default", { enumerable: true, get: () => source.default });
  }
  merged["type"] = type ?? unspecified;
  return { loc, declarations: files, type: type ?? unspecified, defaultDeclaration, declaration: merged as unknown as AnyOptionDeclaration };
}
