/**
 * The version of this Kiln, read from its `package.json`. Kept in a module
 * of its own that imports nothing but `node:fs`, so `kiln --version` answers
 * without loading the rest of the CLI (as `nix --version` answers at once).
 */
import { readFileSync } from "node:fs";

/** This CLI's version, e.g. `0.1.0`. */
export const KILN_VERSION: string = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
