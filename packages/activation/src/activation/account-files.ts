/**
 * `/etc/passwd`, `/etc/group`, `/etc/shadow` and `/etc/gshadow`: colon-separated lines, one
 * account each. Lines are kept as they were read (comments, fields Kiln
 * does not know), so rewriting a file changes only the accounts that
 * changed, and removing an account Kiln added gives back the file as it was.
 *
 * Before Kiln rewrites one, {@link checkAccountFile} makes sure every line
 * has the fields `passwd(5)`, `group(5)` and `shadow(5)` define and no name
 * comes twice, as `pwck` and `grpck` do: rewriting a file Kiln misreads
 * would make the damage worse.
 */
import { AccountFileError } from "./activation-errors.js";

/** One line of a colon file: the account name (or `undefined` for blank and comment lines) and its fields. */
export interface AccountLine {
  readonly name: string | undefined;
  readonly fields: string[];
  readonly raw: string;
}

/** Splits a colon file into lines (the final newline is implied). */
export function parseAccountFile(text: string): AccountLine[] {
  if (text === "") return [];
  const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
  return lines.map((raw) => {
    if (raw.trim() === "" || raw.startsWith("#")) return { name: undefined, fields: [], raw };
    const fields = raw.split(":");
    return { name: fields[0], fields, raw };
  });
}

/** A line for new fields. */
export function accountLine(fields: readonly string[]): AccountLine {
  return { name: fields[0], fields: [...fields], raw: fields.join(":") };
}

/** Joins lines back into a file; lines whose fields changed are re-joined. */
export function formatAccountFile(lines: readonly AccountLine[]): string {
  if (lines.length === 0) return "";
  return `${lines.map((line) => (line.name === undefined ? line.raw : line.fields.join(":"))).join("\n")}\n`;
}

/** The numeric ids in use in column `column` (2 for passwd uids and group gids). */
export function idsInUse(lines: readonly AccountLine[], column: number): Set<number> {
  const ids = new Set<number>();
  for (const line of lines) {
    const id = Number(line.fields[column]);
    if (line.name !== undefined && Number.isInteger(id)) ids.add(id);
  }
  return ids;
}

/** The account files and how many fields their lines have. */
export const ACCOUNT_FILE_FIELDS = { passwd: 7, group: 4, shadow: 9, gshadow: 4 } as const;

/** Columns that hold numeric ids. */
const NUMERIC_FIELDS: Readonly<Record<keyof typeof ACCOUNT_FILE_FIELDS, readonly number[]>> = { passwd: [2, 3], group: [2], shadow: [], gshadow: [] };

const FIELD_NAMES: Readonly<Record<keyof typeof ACCOUNT_FILE_FIELDS, readonly string[]>> = {
  passwd: ["name", "password", "uid", "gid", "description", "home", "shell"],
  group: ["name", "password", "gid", "members"],
  shadow: ["name", "password", "last change", "minimum age", "maximum age", "warning", "inactivity", "expiry", "reserved"],
  gshadow: ["name", "password", "administrators", "members"],
};

/**
 * Fails with an {@link AccountFileError} naming `path` and the line when a
 * line of the account file `kind` has the wrong number of fields, an empty
 * name, an id that is not a number, or a name an earlier line has. NIS
 * compatibility lines (`+…`, `-…`) are left as they are.
 */
export function checkAccountFile(path: string, text: string, kind: keyof typeof ACCOUNT_FILE_FIELDS): void {
  const seen = new Map<string, number>();
  parseAccountFile(text).forEach((line, index) => {
    const number = index + 1;
    if (line.name === undefined || line.raw.startsWith("+") || line.raw.startsWith("-")) return;
    const expected = ACCOUNT_FILE_FIELDS[kind];
    const at = `${path}:${number}`;
    if (line.fields.length !== expected) {
      throw new AccountFileError(`${at}: a ${kind} line has ${expected} fields separated by ':' (${FIELD_NAMES[kind].join(", ")}), but this one has ${line.fields.length}: '${line.raw}'; fix the line and switch again`);
    }
    if (line.name === "") throw new AccountFileError(`${at}: the line has no name: '${line.raw}'; fix the line and switch again`);
    for (const column of NUMERIC_FIELDS[kind]) {
      if (!/^\d+$/.test(line.fields[column] ?? "")) throw new AccountFileError(`${at}: the ${FIELD_NAMES[kind][column]} of '${line.name}' is '${line.fields[column] ?? ""}', not a number; fix the line and switch again`);
    }
    const earlier = seen.get(line.name);
    if (earlier !== undefined) throw new AccountFileError(`${at}: '${line.name}' is there twice (line ${earlier} and line ${number}); remove one and switch again`);
    seen.set(line.name, number);
  });
}
