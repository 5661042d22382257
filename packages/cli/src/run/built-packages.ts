/**
 * What `kiln run` and `kiln shell` share: build some installables without
 * result links, keep their outputs from garbage collection while the
 * program runs, and run a program with the terminal handed over to it.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { instantiate, KilnError, type Derivation, type RealiseResult } from "@kiln/core";
import type { CommandIO } from "../command.js";
import { evaluateOptions, resolveInstallable, type EvaluationSettings } from "../config-options.js";
import { realiseRoots, reportFailures, type RealiseRootsSettings } from "../realise-roots.js";
import type { CommandSession } from "../settings/command-session.js";
import { storeDirFor } from "../store-options.js";

/** A program could not be started, or a package has nothing to run. */
export class RunError extends KilnError {}

/** Built packages, with their outputs held until {@link BuiltPackages.release}. */
export interface BuiltPackages {
  readonly roots: readonly Derivation[];
  readonly result: RealiseResult;
  /** Lets go of the temporary roots (the session closes the store). */
  release(): void;
}

/** Evaluates `installables`: the packages each names, in order. */
export async function findPackages(settings: EvaluationSettings, installables: readonly string[]): Promise<Derivation[]> {
  const storeDir = storeDirFor(settings);
  const roots: Derivation[] = [];
  for (const installable of installables) {
    const found = await instantiate(resolveInstallable(installable), { ...evaluateOptions(settings, installable), storeDir });
    if (found.length === 0) throw new RunError(`'${installable}' has no packages`);
    roots.push(...found.map(({ derivation }) => derivation));
  }
  return roots;
}

/** Builds `roots`; `undefined` (after reporting why) when a build failed. */
export async function buildForRunning(settings: RealiseRootsSettings, io: CommandIO, session: CommandSession, roots: readonly Derivation[]): Promise<BuiltPackages | undefined> {
  const result = await realiseRoots(settings, io, session, roots);
  if (result.failed.length > 0) {
    reportFailures(result, io, settings.keepGoing);
    return undefined;
  }
  const paths = [...result.outputs.values()].flatMap((outputs) => Object.values(outputs));
  const letGo = session.localStore()?.holdTemporarily(paths);
  return { roots, result, release: () => letGo?.() };
}

/**
 * Runs `program` with the terminal (stdin, stdout, stderr) and returns its
 * exit code, or 128 plus the signal number if a signal ended it, as a shell
 * reports it. Ctrl-C reaches the program; Kiln waits for it to end.
 */
export function runInheritingTerminal(program: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args], { stdio: "inherit", env });
    // The terminal sends Ctrl-C to the whole foreground group; the program decides what it means.
    const ignore = (): void => undefined;
    process.on("SIGINT", ignore);
    const done = (): void => void process.off("SIGINT", ignore);
    child.once("error", (error: NodeJS.ErrnoException) => {
      done();
      reject(new RunError(`cannot run ${program}: ${error.code === "ENOENT" ? "no such file" : error.message}`));
    });
    child.once("exit", (code, signal) => {
      done();
      resolve(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)));
    });
  });
}
