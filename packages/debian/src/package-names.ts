/**
 * Package names typed from the lock: `kiln.lock.d.ts`, a declaration file
 * Kiln writes beside `kiln.lock`, adds each locked input's package names to
 * {@link DebianPackageNames}, so that `deb.htop` is typed, a misspelt
 * `deb.htpo` is a compile error (`kiln check` reports it at its line, with
 * the closest name), and an editor completes the names. Nix has no types;
 * this is the counterpart of a flake's locked `nixpkgs` attribute set being
 * known to tooling (nixd completes `pkgs.` from an evaluated revision).
 *
 * The names form one interface per input (one member per package), not a
 * union of string literals: the compiler reads an interface of 60,000
 * members about as fast as the union and needs no mapped type to turn it
 * into properties. Each input's interface is named after the input, so two
 * lock files of one TypeScript project that lock the same input (two example
 * projects, say) merge their names instead of conflicting.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomically, type Derivation } from "@kiln/formats";
import type { LockedDebianInput } from "./lock-file.js";

/** What a Debian package says about itself, as nixpkgs' `meta`. */
export interface DebianPackageMeta {
  /** The first line of the package's `Description`. */
  readonly description: string;
  /** The program `kiln run` runs (`nginx` for `nginx-light`), when the lock's `Contents` index tells. */
  readonly mainProgram?: string;
}

/** A package of a Debian input: a derivation whose `bin/` wraps the package's programs, with nixpkgs' `pname`, `version` and `meta`. */
export type DebianPackage = Derivation<"out"> & {
  readonly pname: string;
  readonly version: string;
  readonly meta: DebianPackageMeta;
  /**
   * One FHS environment of this package, `others` (packages of this input
   * or its bases) and their closure, with wrappers for the programs of all
   * of them, as nixpkgs' `python3.withPackages`: a program that loads
   * plugins from its own directories (OBS and its plugins) finds them there.
   */
  withPackages(others: readonly (Derivation | string)[]): Derivation<"out"> & { readonly fhsRun: string };
  /**
   * The package's runner, `<out>/libexec/kiln-fhs-run`: `fhsRun PROGRAM
   * ARGS…` runs any program of the closure (a path inside the environment,
   * such as `/usr/bin/ssh-keygen` of openssh-server's) in the package's
   * environment. Modules use it for programs the package has no wrapper of.
   */
  readonly fhsRun: string;
};

/**
 * The package names of locked inputs, by input name: empty here, filled by
 * the `kiln.lock.d.ts` Kiln writes beside each lock (module augmentation).
 * An input it does not list is typed as a set of any names.
 */
export interface DebianPackageNames {}

/** The name of the declaration file beside `kiln.lock`. */
export const PACKAGE_NAMES_FILE_NAME = "kiln.lock.d.ts";

/** Members of a package set that are not packages: a package of that name is reached through `package()` only. */
export const PACKAGE_SET_MEMBERS: readonly string[] = ["inputName", "locked", "index", "package", "closure", "search", "fhsEnv", "then"];

const HEADER = "// Written by Kiln beside kiln.lock: the package names of its Debian inputs, so that";

/** The interface that holds `inputName`'s packages: its characters that are not identifier characters become `$` and their code. */
function interfaceName(inputName: string): string {
  return `DebianInput$${inputName.replace(/[^A-Za-z0-9_]/g, (c) => `$${c.charCodeAt(0).toString(16)}`)}`;
}

/** What a section was made from: the input's name and its indexes' hashes. A section with the same stamp is current. */
function stampOf(inputName: string, locked: LockedDebianInput): string {
  return `// input ${JSON.stringify(inputName)} ${locked.indexes.map((index) => index.sha256.slice(0, 16)).join(",")}`;
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** The declarations of one input: its stamp, its entry in {@link DebianPackageNames}, and its interface of names. */
function section(inputName: string, locked: LockedDebianInput, names: readonly string[]): string {
  const members = new Set(PACKAGE_SET_MEMBERS);
  const id = interfaceName(inputName);
  const lines = [stampOf(inputName, locked), `interface DebianPackageNames { ${JSON.stringify(inputName)}: ${id} }`, `interface ${id} {`];
  for (const name of names) if (!members.has(name)) lines.push(`readonly ${propertyName(name)}: DebianPackage;`);
  lines.push("}", `// end ${JSON.stringify(inputName)}`);
  return lines.join("\n");
}

/** The sections of an existing file, by input name. */
function sectionsOf(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const match of text.matchAll(/^\/\/ input ("(?:[^"\\]|\\.)*") [^\n]*\n[\s\S]*?\n\/\/ end \1$/gm)) sections.set(JSON.parse(match[1] as string) as string, match[0]);
  return sections;
}

/** The whole file for `sections` (in input-name order). */
function fileText(sections: ReadonlyMap<string, string>): string {
  const body = [...sections.keys()].sort().map((name) => sections.get(name) as string);
  return [
    `${HEADER} deb.htop is typed and a`,
    "// misspelt name is a compile error. Do not edit: Kiln rewrites it whenever it evaluates a config with a changed lock.",
    'import type { DebianPackage } from "@kiln/debian";',
    'declare module "@kiln/debian" {',
    ...body,
    "}",
    "",
  ].join("\n");
}

/** Whether `file` has the section `stamp` stands for. */
function readsCurrent(file: string, stamp: string): boolean {
  return existsSync(file) && readFileSync(file, "utf8").includes(`\n${stamp}\n`);
}

/**
 * Writes (or updates) the section of `inputName` in the `kiln.lock.d.ts`
 * beside `lockFile`, keeping the sections of the lock's other inputs and
 * dropping those of inputs the lock no longer has. Nothing is written when
 * the section is current (then `names`, a sort of the whole index, is not
 * asked for). Returns whether it wrote.
 */
export function writePackageNames(lockFile: string, inputName: string, locked: LockedDebianInput, names: () => readonly string[], lockedInputs: readonly string[]): boolean {
  const file = join(dirname(lockFile), PACKAGE_NAMES_FILE_NAME);
  const stamp = stampOf(inputName, locked);
  if (readsCurrent(file, stamp)) return false;
  const sections = existsSync(file) ? sectionsOf(readFileSync(file, "utf8")) : new Map<string, string>();
  for (const name of sections.keys()) if (!lockedInputs.includes(name)) sections.delete(name);
  sections.set(inputName, section(inputName, locked, names()));
  writeFileAtomically(file, fileText(sections));
  return true;
}
