/**
 * Rebuilding outputs that are valid but damaged (`kiln store verify
 * --repair`, as Nix's `--repair`): the damaged copies are moved aside to
 * temporary names in the store before the build, dropped once the new ones
 * are registered, and put back if the build fails, so a failed repair loses
 * nothing that was there.
 */
import { renameSync } from "node:fs";
import { lexists } from "@kiln/formats";
import { deletePathRecursively } from "../local-store/canonicalise.js";
import type { LocalStore } from "../local-store/local-store.js";

/** Outputs moved aside for a repair. */
export interface OutputsSetAside {
  /** Drops the old copies: the repaired outputs are registered. */
  discard(): void;
  /** Puts the old copies back (removing what the failed build left). */
  restore(): void;
}

/** Moves whatever is at each of `paths` aside, so the build can make them anew. */
export function setOutputsAside(store: LocalStore, paths: readonly string[]): OutputsSetAside {
  const moved = new Map<string, string>();
  for (const path of paths) {
    if (!lexists(path)) continue;
    const aside = store.temporaryPath("repair");
    renameSync(path, aside);
    moved.set(path, aside);
  }
  return {
    discard() {
      for (const aside of moved.values()) deletePathRecursively(aside);
    },
    restore() {
      for (const [path, aside] of moved) {
        if (lexists(path)) deletePathRecursively(path);
        renameSync(aside, path);
      }
    },
  };
}
