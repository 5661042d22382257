/**
 * Which of some store paths are valid: those with a row in `ValidPaths`
 * (Nix's `queryValidPaths`), asked in one query per 500 paths, below
 * SQLite's limit on bound parameters.
 */
import type { Statement } from "better-sqlite3";

/** The subset of `paths` that `ValidPaths` holds, asked through `prepare` (a connection's statement cache, say). */
export function validSubsetOf(paths: readonly string[], prepare: (sql: string) => Statement<string[], { path: string }>): Set<string> {
  const valid = new Set<string>();
  for (let start = 0; start < paths.length; start += 500) {
    const chunk = paths.slice(start, start + 500);
    for (const row of prepare(`SELECT path FROM ValidPaths WHERE path IN (${chunk.map(() => "?").join(",")})`).all(...chunk)) valid.add(row.path);
  }
  return valid;
}
