/**
 * Replacing a user's file atomically: the new text goes to a temporary file
 * beside it, with the same permissions, which is then renamed over it, so an
 * editor or a running `kiln` sees the old file or the new one, never half.
 */
import { chmodSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Writes `text` over `file` (which must exist) atomically, keeping its mode. */
export function replaceFile(file: string, text: string): void {
  const { mode } = statSync(file);
  const temporary = join(dirname(file), `.${basename(file)}.kiln-edit-${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    chmodSync(temporary, mode & 0o7777);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
