/**
 * `/etc/passwd`, `/etc/group` and `/etc/shadow`: colon-separated lines, one
 * account each. Lines are kept as they were read (comments, fields Kiln
 * does not know), so rewriting a file changes only the accounts that
 * changed, and removing an account Kiln added gives back the file as it was.
 */

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
