/**
 * git-config(1) syntax: `[section]` and `[section "subsection"]` headers
 * with `key = value` lines, as nixpkgs' `lib.generators.toGitINI` writes
 * `programs.git.config` (NixOS) and `programs.git.extraConfig`
 * (home-manager):
 *
 * - a section maps keys to values, and names mapping to objects to
 *   subsections (`{ remote: { origin: { url } } }` is `[remote "origin"]`;
 *   deeper objects join their names with `.`, as `toGitINI` does, and a
 *   dotted section name `"remote.origin"` is the same subsection);
 * - booleans are `true`/`false`, integers decimal; a list repeats the key
 *   (git reads `fetch`, `pushurl`, `insteadOf` several times);
 * - strings are quoted when git would otherwise misread them (leading or
 *   trailing whitespace, `#` or `;` starting a comment, an empty value),
 *   and `\`, `"`, newline, tab and backspace are escaped as git's own
 *   writer does. Other control characters have no escape in git's syntax
 *   and are refused, as are keys and section names git would reject.
 */
import { FormatError } from "./format-error.js";

/** A scalar git setting. */
export type GitConfigScalar = string | number | boolean;

/** A setting's value: a scalar, or a list (the key repeated). */
export type GitConfigValue = GitConfigScalar | readonly GitConfigScalar[];

/** The entries of a section: settings, and subsections by name (nested ones joined with `.`). */
export interface GitConfigSection {
  readonly [key: string]: GitConfigValue | GitConfigSection;
}

/** A whole config: sections by name. */
export type GitConfig = Readonly<Record<string, GitConfigSection>>;

const SECTION_NAME = /^[A-Za-z0-9.-]+$/;
// git-config(1): "The variable names are case-insensitive, allow only alphanumeric characters and -, and must start with an alphabetic character."
const KEY_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

function isSubsection(value: GitConfigValue | GitConfigSection): value is GitConfigSection {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapeCharacter(character: string): string {
  switch (character) {
    case "\\":
      return "\\\\";
    case '"':
      return '\\"';
    case "\n":
      return "\\n";
    case "\t":
      return "\\t";
    default:
      return "\\b";
  }
}

/** A value as git reads it back: booleans and integers as words, strings escaped and quoted when needed. */
export function gitConfigScalar(where: string, value: GitConfigScalar): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new FormatError(`gitconfig: ${where} is ${value}, but git settings take integers only; write other numbers as strings`);
    return String(value);
  }
  // NUL, CR and the other control characters have no escape in git's syntax (\b is backspace).
  const unwritable = /[\x00-\x07\x0b-\x1f\x7f]/.exec(value);
  if (unwritable !== null) {
    throw new FormatError(`gitconfig: ${where} contains the control character ${JSON.stringify(unwritable[0])}, which a git config file cannot hold: ${JSON.stringify(value)}`);
  }
  const escaped = value.replace(/[\\"\n\t\b]/g, escapeCharacter);
  const needsQuotes = value === "" || /^\s|\s$|[#;]/.test(value);
  return needsQuotes ? `"${escaped}"` : escaped;
}

/** The `key = value` lines of one setting (one per list element). */
function settingLines(where: string, key: string, value: GitConfigValue): string[] {
  if (!KEY_NAME.test(key)) {
    throw new FormatError(`gitconfig: \`${key}' in ${where} is not a valid git config key: use letters, digits and -, starting with a letter`);
  }
  const values: readonly GitConfigScalar[] = Array.isArray(value) ? value : [value as GitConfigScalar];
  return values.map((item) => `\t${key} = ${gitConfigScalar(`${where}.${key}`, item)}`);
}

/** The `[section "subsection"]` header; `subsection` is `null` for a plain section. */
function header(section: string, subsection: string | null): string {
  if (!SECTION_NAME.test(section)) {
    throw new FormatError(`gitconfig: \`${section}' is not a valid git config section name: use letters, digits, - and .`);
  }
  if (subsection === null) return `[${section}]`;
  if (/[\n\0]/.test(subsection)) throw new FormatError(`gitconfig: the subsection name ${JSON.stringify(subsection)} of [${section}] contains a line break or NUL, which git cannot read`);
  return `[${section} "${subsection.replace(/[\\"]/g, "\\$&")}"]`;
}

/** The blocks of a section and of its subsections, the plain settings first. */
function sectionBlocks(section: string, subsection: string | null, entries: GitConfigSection): string[] {
  const where = subsection === null ? section : `${section}.${subsection}`;
  const lines: string[] = [];
  const nested: string[] = [];
  for (const [key, value] of Object.entries(entries)) {
    if (isSubsection(value)) nested.push(...sectionBlocks(section, subsection === null ? key : `${subsection}.${key}`, value));
    else lines.push(...settingLines(where, key, value));
  }
  const own = lines.length === 0 ? [] : [`${header(section, subsection)}\n${lines.join("\n")}\n`];
  return [...own, ...nested];
}

/**
 * The text of a git config file holding `config` (sections in order; see
 * the file comment). Empty sections are left out.
 */
export function renderGitConfig(config: GitConfig): string {
  const blocks = Object.entries(config).flatMap(([name, entries]) => {
    // `"remote.origin"` is `[remote "origin"]`, as in toGitINI and `git config remote.origin.url`.
    const dot = name.indexOf(".");
    return dot < 0 ? sectionBlocks(name, null, entries) : sectionBlocks(name.slice(0, dot), name.slice(dot + 1), entries);
  });
  return blocks.join("");
}
