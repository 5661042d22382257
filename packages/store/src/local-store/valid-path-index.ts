/**
 * Every valid path of a store by hash part, kept up to date incrementally
 * (rows are numbered, so only rows added since the last look are read).
 *
 * Scanning a build's output against this index finds every store path the
 * output mentions in one pass, without first computing the build's whole
 * input closure, which for a long chain is as large as the chain.
 */
import { STORE_PATH_HASH_LENGTH } from "@kiln/formats";
import type { StoreDatabase } from "./store-database.js";

/** Valid paths by hash part. */
export class ValidPathIndex {
  private readonly byHashPart = new Map<string, string>();
  private lastId = 0;

  constructor(
    private readonly database: StoreDatabase,
    private readonly storeDir: string,
  ) {}

  /** Reads the paths registered since the last refresh (by any process). */
  refresh(): void {
    for (const { id, path } of this.database.validPathsSince(this.lastId)) {
      this.byHashPart.set(this.hashPartOf(path), path);
      this.lastId = id;
    }
  }

  /** The hash part of a path of this store. */
  hashPartOf(path: string): string {
    return path.slice(this.storeDir.length + 1, this.storeDir.length + 1 + STORE_PATH_HASH_LENGTH);
  }

  /** Every known valid path's hash part, with the path. */
  entries(): ReadonlyMap<string, string> {
    return this.byHashPart;
  }
}
