/**
 * Shared by commands that read a config: the evaluation options their
 * command line asks for (limits, the evaluation cache, the `@kiln/*`
 * packages offered, see `installables.ts`), and the warning when the
 * config's project was made with another Kiln.
 */
import type { CachedInstantiateOptions, EvaluateOptions, EvaluationLimits } from "@kiln/core";
import type { CommandIO } from "./command.js";
import type { GlobalSettings } from "./settings/global-options.js";
import { flag, optionGroup, type SettingsOf } from "./settings/typed-option.js";
import type { StoreSettings } from "./store-options.js";
import { warnIfOtherKilnVersion } from "./project/project-kiln-version.js";
import { realiseDebianIndexesInto } from "./debian-inputs.js";
import { UsageError } from "./usage-error.js";
import { KILN_VERSION } from "./version.js";
import { DEFAULT_SET_PREFIX, fallbackPackages, isDefaultSet, resolveInstallable } from "./installables.js";

export { fallbackPackages, resolveInstallable } from "./installables.js";

/** The limits on evaluating a config the command line asks for (`--eval-timeout`, `--eval-memory`); a spinner on a terminal. */
export function evaluationLimits(settings: Pick<GlobalSettings, "evalTimeout" | "evalMemory">): EvaluationLimits {
  return {
    progress: process.stderr.isTTY === true,
    ...(settings.evalTimeout !== undefined ? { timeoutSeconds: settings.evalTimeout } : {}),
    ...(settings.evalMemory !== undefined ? { memoryMiB: Math.ceil(settings.evalMemory) } : {}),
  };
}

/** What {@link evaluateOptions} reads: the global settings, the store (and realiser), and the arguments. */
export type EvaluationSettings = Pick<GlobalSettings, "evalTimeout" | "evalMemory"> & StoreSettings & { readonly positionals: readonly string[] };

/**
 * The evaluation options the command line asks for, to evaluate
 * `installable` (as given): messages about the default package set name it
 * `@kiln/pkgs`, not the file inside this CLI that makes it.
 */
export function evaluateOptions(settings: EvaluationSettings, installable?: string): EvaluateOptions {
  const storeDir = settings.storeDir;
  const given = installable ?? settings.positionals[0];
  if (!isDefaultSet(given)) warnIfOtherKilnVersion((given ?? ".").replace(/#.*$/s, ""), KILN_VERSION);
  // A config with a Debian input needs its index during evaluation: it is built into this command's store.
  realiseDebianIndexesInto(settings);
  return {
    fallbackPackages: fallbackPackages(),
    limits: evaluationLimits(settings),
    ...(typeof storeDir === "string" ? { storeDir } : {}),
    ...(isDefaultSet(given) ? { displayName: DEFAULT_SET_PREFIX } : {}),
  };
}

/** The single installable argument of a command (resolved by {@link resolveInstallable}), or a usage error. */
export function singleInstallable(settings: { readonly positionals: readonly string[] }, command: string): string {
  const [installable, ...rest] = settings.positionals;
  if (installable === undefined) throw new UsageError(`'kiln ${command}' needs a config, e.g. 'kiln ${command} ./kiln.ts#hello'`);
  if (rest.length > 0) throw new UsageError(`'kiln ${command}' takes one config, but got also: ${rest.join(" ")}`);
  return resolveInstallable(installable);
}

/** Options of commands that evaluate through the evaluation cache. */
export const EVAL_CACHE_OPTIONS = optionGroup(
  flag("no-eval-cache", { description: "Evaluate the config even if nothing it read has changed (also KILN_EVAL_CACHE=0)" }),
  flag("verbose", { short: "v", description: "Say whether the evaluation cache was used, and why not; and why builders are started by a slower Node process, if they are" }),
);

/** The evaluation-cache options the command line asks for (`--no-eval-cache`, `-v`). */
export function evalCacheOptions(settings: SettingsOf<typeof EVAL_CACHE_OPTIONS>, io: CommandIO): Pick<CachedInstantiateOptions, "evalCache" | "onCacheNote"> {
  return {
    ...(settings.noEvalCache ? { evalCache: false } : {}),
    ...(settings.verbose ? { onCacheNote: (note: string) => io.stderr.write(`${note}\n`) } : {}),
  };
}
