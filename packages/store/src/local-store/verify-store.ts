/**
 * Checking a store against its database: every valid path exists, every
 * reference is valid, and (with `checkContents`) every path still has the
 * NAR hash it was registered with.
 */
import { lstatSync } from "node:fs";
import { hashPathSync } from "@kiln/formats";
import type { LocalStore } from "./local-store.js";

/** Something wrong with one store path. */
export interface StoreProblem {
  readonly path: string;
  readonly kind: "missing" | "modified" | "dangling-reference";
  readonly message: string;
}

/** What {@link verifyStore} found. */
export interface VerifyResult {
  readonly checked: number;
  readonly problems: readonly StoreProblem[];
}

/** Checks every valid path of `store`. */
export function verifyStore(store: LocalStore, options: { readonly checkContents?: boolean } = {}): VerifyResult {
  const problems: StoreProblem[] = [];
  // A database made by an older Kiln may list another store's paths too: those are not this store's to check.
  const paths = store.database.allValidPaths().filter((path) => path.startsWith(`${store.storeDir}/`));
  for (const path of paths) {
    const info = store.pathInfo(path);
    if (info === undefined) continue;
    try {
      lstatSync(path);
    } catch {
      problems.push({ path, kind: "missing", message: `path '${path}' disappeared, but it is still valid in the database` });
      continue;
    }
    for (const reference of info.references) {
      if (!store.isValid(reference)) problems.push({ path, kind: "dangling-reference", message: `path '${path}' refers to '${reference}', which is not valid` });
    }
    if (options.checkContents === true) {
      const actual = `sha256:${hashPathSync(path, "sha256").hash.toBase16()}`;
      if (actual !== info.narHash) problems.push({ path, kind: "modified", message: `path '${path}' was modified! expected hash '${info.narHash}', got '${actual}'` });
    }
  }
  return { checked: paths.length, problems };
}
