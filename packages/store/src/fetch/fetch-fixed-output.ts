/**
 * Running a fetcher's derivation outside any store: the fetch goes into a
 * temporary directory and is hashed the way the derivation declares
 * (flat or NAR, with its algorithm). The nix realiser uses it to fetch for
 * Nix and add the result with `nix-store --add-fixed`, and `kiln prefetch`
 * to learn a hash.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { declaredOutputHash, type Drv, type Hash, hashFileSync, hashPathSync, type FileIngestionMethod } from "@kiln/formats";
import { runBuiltinBuilder } from "./builtin-fetchers.js";
import type { FetchSettings } from "./fetch-settings.js";

/** A fetched output waiting in a temporary directory; call `dispose()` when done. */
export interface FetchedOutput {
  /** The fetched file or tree, named as the derivation (so `nix-store --add-fixed` names it right). */
  readonly path: string;
  readonly method: FileIngestionMethod;
  /** Its hash, by the declared method and algorithm. */
  readonly hash: Hash;
  /** The hash the derivation declared (all zeros for `hash: ""`). */
  readonly declared: Hash;
  /** Removes the temporary directory. */
  dispose(): void;
}

/** Options of {@link fetchFixedOutput}. */
export interface FetchFixedOutputOptions {
  readonly settings: FetchSettings;
  /** Receives each line the fetcher reports. */
  readonly log?: (line: string) => void;
  /** Receives download progress: the bytes so far, and the total when known. */
  readonly onBytes?: (url: string, bytes: number, total: number | undefined) => void;
  readonly signal?: AbortSignal;
}

/** Runs the built-in fetcher of `drv` into a temporary directory and hashes the result. */
export async function fetchFixedOutput(drv: Drv, options: FetchFixedOutputOptions): Promise<FetchedOutput> {
  const { method, hash: declared } = declaredOutputHash(drv);
  const directory = mkdtempSync(join(tmpdir(), "kiln-fetch-"));
  const dispose = (): void => rmSync(directory, { recursive: true, force: true });
  try {
    const scratch = join(directory, "scratch");
    mkdirSync(scratch);
    const path = join(directory, drv.env.get("name") ?? "fetched");
    await runBuiltinBuilder({
      drv,
      output: path,
      scratch,
      settings: options.settings,
      log: options.log ?? ((): void => {}),
      onBytes: options.onBytes ?? ((): void => {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    const hash = method === "recursive" ? hashPathSync(path, declared.algorithm).hash : hashFileSync(path, declared.algorithm);
    return { path, method, hash, declared, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}
