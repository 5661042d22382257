/**
 * One build's determinism check, as Nix's `--check` build mode: a
 * derivation whose outputs are valid is built again (in the sandbox, so the
 * rebuild writes to a private store and never touches the valid outputs),
 * and each output it made is compared bit for bit with the registered one.
 * Nothing is registered. A difference fails the build with
 * {@link NonDeterministicBuildError}, naming the first file that differs;
 * with `keep`, the rebuilt output stays beside the original as
 * `<out>.check` (Nix keeps it there under `--keep-failed`), for diffing.
 */
import { renameSync } from "node:fs";
import { basename, join } from "node:path";
import { deletePathRecursively } from "../local-store/canonicalise.js";
import type { LocalStore } from "../local-store/local-store.js";
import { lexists, type Drv } from "@kiln/formats";
import { isBuiltinBuilder } from "../fetch/builtin-fetchers.js";
import { BuildFailedError } from "./build-errors.js";
import { copyOutputTree, OutputCopyError } from "./output-copy.js";
import { firstOutputDifference, type OutputDifference } from "./output-difference.js";

/** How a determinism check treats a differing rebuild. */
export interface CheckSettings {
  /** Keep the differing rebuilt output as `<out>.check` in the store directory (unregistered; `kiln gc` removes it). */
  readonly keep: boolean;
}

/** What a failed determinism check found: the first output that differs, and where. */
export interface NonDeterminism extends OutputDifference {
  /** The output's name (`out`, `dev`, …). */
  readonly output: string;
  /** The output's store path. */
  readonly path: string;
  /** Where the differing rebuild was kept (`<path>.check`), if it was. */
  readonly kept?: string;
}

/** A rebuild of a valid derivation whose output is not bit-identical to the registered one. */
export class NonDeterministicBuildError extends BuildFailedError {
  override name = "NonDeterministicBuildError";

  constructor(
    drvPath: string,
    /** The first differing output and the first differing file in it. */
    readonly difference: NonDeterminism,
    logPath?: string,
  ) {
    const where = difference.file === "/" ? "the output itself" : `'${difference.file}' inside it`;
    const kept = difference.kept !== undefined ? `; the rebuild is kept at '${difference.kept}' for comparison` : "; pass --keep-failed to keep the rebuild as '<out>.check'";
    super(`derivation '${drvPath}' may not be deterministic: output '${difference.path}' differs from its rebuild, first at ${where}, which ${difference.reason}${kept}`, drvPath, logPath);
  }
}

/** What {@link assertCheckable} and {@link checkRebuiltOutputs} need of a build. */
interface CheckedBuild {
  readonly store: LocalStore;
  readonly drvPath: string;
  readonly drv: Drv;
  readonly sandbox: unknown;
}

/** Fails unless the build can be checked: its outputs are valid, and it runs in the sandbox (so it cannot write over them). */
export function assertCheckable(build: CheckedBuild, outputPaths: readonly string[]): void {
  if (!outputPaths.every((path) => build.store.isValid(path))) {
    throw new BuildFailedError(`some outputs of '${build.drvPath}' are not valid, so checking is not possible; build it first (without --check)`, build.drvPath);
  }
  if (isBuiltinBuilder(build.drv)) {
    throw new BuildFailedError(`'${build.drvPath}' is a download by a built-in fetcher, which --check does not rebuild: its output is already fixed by its hash`, build.drvPath);
  }
  if (build.sandbox === undefined) {
    throw new BuildFailedError(
      `checking '${build.drvPath}' needs the sandbox: without it the rebuild would write over the valid output; install bubblewrap (Debian: apt-get install bubblewrap) and drop --no-sandbox`,
      build.drvPath,
    );
  }
}

/**
 * Compares each output the sandboxed rebuild made (in `chrootStoreDir`)
 * with the valid one, by way of a canonical copy made as a build's output
 * is (modes, timestamps), so only what a NAR holds can differ.
 * Throws {@link NonDeterministicBuildError} at the first difference.
 */
export function checkRebuiltOutputs(build: CheckedBuild, settings: CheckSettings, outputs: ReadonlyMap<string, string>, chrootStoreDir: string, logPath: string): void {
  for (const [output, path] of outputs) {
    const made = join(chrootStoreDir, basename(path));
    if (!lexists(made)) throw new BuildFailedError(`builder for '${build.drvPath}' failed to produce output path for output '${output}' at '${path}'`, build.drvPath, logPath);
    const fresh = build.store.temporaryPath(`${basename(path)}.check`);
    try {
      copyOutputTree(made, fresh);
      const difference = firstOutputDifference(path, fresh);
      if (difference === undefined) continue;
      let kept: string | undefined;
      if (settings.keep) {
        kept = `${path}.check`;
        if (lexists(kept)) deletePathRecursively(kept);
        renameSync(fresh, kept);
      }
      throw new NonDeterministicBuildError(build.drvPath, { output, path, ...difference, ...(kept !== undefined ? { kept } : {}) }, logPath);
    } catch (error) {
      if (error instanceof OutputCopyError) throw new BuildFailedError(`builder for '${build.drvPath}' produced output '${output}' that cannot be stored: ${error.message.replaceAll(made, path)}`, build.drvPath, logPath);
      throw error;
    } finally {
      if (lexists(fresh)) deletePathRecursively(fresh);
    }
  }
}
