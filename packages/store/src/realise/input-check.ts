/**
 * Checking, before a build starts, that every input path it will see is on
 * disk. A valid path deleted by hand would otherwise surface as a baffling
 * sandbox error (`bwrap: Can't find source path`) in every dependent build.
 */
import { lexists } from "@kiln/formats";
import { BuildFailedError } from "./build-errors.js";

/** Throws a {@link BuildFailedError} naming the first of `paths` missing from disk. */
export function assertInputsPresent(paths: Iterable<string>, drvPath: string): void {
  for (const path of paths) {
    if (!lexists(path)) {
      throw new BuildFailedError(
        `input '${path}' of '${drvPath}' is valid in the store database but missing on disk (deleted by hand?); run 'kiln store verify --repair' to rebuild or refetch it`,
        drvPath,
      );
    }
  }
}
