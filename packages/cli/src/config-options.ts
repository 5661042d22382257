/**
 * Shared by commands that read a config: the evaluation options their
 * command line asks for (limits, the evaluation cache, the `@kiln/*`
 * packages offered, see `installables.ts`), and the warning when the
 * config's project was made with another Kiln.
 */
import type { CachedInstantiateOptions, EvaluateOptions, EvaluationLimits } from "@kiln/core";
import type { CommandIO, OptionSpec, ParsedArgs } from "./command.js";
import { warnIfOtherKilnVersion } from "./project/project-kiln-version.js";
import { realiseDebianIndexesInto } from "./debian-inputs.js";
import { UsageError } from "./usage-error.js";
import { KILN_VERSION } from "./version.js";
import { DEFAULT_SET_PREFIX, fallbackPackages, isDefaultSet, resolveInstallable } from "./installables.js";

export { fallbackPackages, resolveInstallable } from "./installables.js";

/** A positive number given to `--NAME`, or a usage error. */
function positiveNumber(args: ParsedArgs, name: string): number | undefined {
  const given = args.options[name];
  if (typeof given !== "string") return undefined;
  const value = Number(given);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} takes a positive number, not '${given}'`);
  return value;
}

/** The limits on evaluating a config the command line asks for (`--eval-timeout`, `--eval-memory`); a spinner on a terminal. */
export function evaluationLimits(args: ParsedArgs): EvaluationLimits {
  const timeoutSeconds = positiveNumber(args, "eval-timeout");
  const memoryMiB = positiveNumber(args, "eval-memory");
  return {
    progress: process.stderr.isTTY === true,
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(memoryMiB !== undefined ? { memoryMiB: Math.ceil(memoryMiB) } : {}),
  };
}

/**
 * The evaluation options the command line asks for, to evaluate
 * `installable` (as given): messages about the default package set name it
 * `@kiln/pkgs`, not the file inside this CLI that makes it.
 */
export function evaluateOptions(args: ParsedArgs, installable?: string): EvaluateOptions {
  const storeDir = args.options["store-dir"];
  const given = installable ?? args.positionals[0];
  if (!isDefaultSet(given)) warnIfOtherKilnVersion((given ?? ".").replace(/#.*$/s, ""), KILN_VERSION);
  // A config with a Debian input needs its index during evaluation: it is built into this command's store.
  realiseDebianIndexesInto(args);
  return {
    fallbackPackages: fallbackPackages(),
    limits: evaluationLimits(args),
    ...(typeof storeDir === "string" ? { storeDir } : {}),
    ...(isDefaultSet(given) ? { displayName: DEFAULT_SET_PREFIX } : {}),
  };
}

/** The single installable argument of a command (resolved by {@link resolveInstallable}), or a usage error. */
export function singleInstallable(args: ParsedArgs, command: string): string {
  const [installable, ...rest] = args.positionals;
  if (installable === undefined) throw new UsageError(`'kiln ${command}' needs a config, e.g. 'kiln ${command} ./kiln.ts#hello'`);
  if (rest.length > 0) throw new UsageError(`'kiln ${command}' takes one config, but got also: ${rest.join(" ")}`);
  return resolveInstallable(installable);
}

/** Options of commands that evaluate through the evaluation cache. */
export const EVAL_CACHE_OPTIONS: readonly OptionSpec[] = [
  { name: "no-eval-cache", type: "boolean", description: "Evaluate the config even if nothing it read has changed (also KILN_EVAL_CACHE=0)" },
  { name: "verbose", short: "v", type: "boolean", description: "Say whether the evaluation cache was used, and why not" },
];

/** The evaluation-cache options the command line asks for (`--no-eval-cache`, `-v`). */
export function evalCacheOptions(args: ParsedArgs, io: CommandIO): Pick<CachedInstantiateOptions, "evalCache" | "onCacheNote"> {
  return {
    ...(args.options["no-eval-cache"] === true ? { evalCache: false } : {}),
    ...(args.options["verbose"] === true ? { onCacheNote: (note: string) => io.stderr.write(`${note}\n`) } : {}),
  };
}
