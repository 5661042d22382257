/**
 * `--profile` of `kiln eval`, `kiln build` and `kiln switch`: evaluates the
 * config under the profiler and prints, on standard error, the time and
 * derivations per file of the config and per package (see
 * `evaluation-profile.ts` in `@kiln/core`).
 */
import { formatEvaluationProfile, profileEvaluation } from "@kiln/core";
import type { CommandIO } from "./command.js";
import { flag } from "./settings/typed-option.js";

/** The `--profile` option. */
export const PROFILE_OPTION = flag("profile", {
  description: "Print where evaluating the config spent its time, and made its derivations, per file and per package (evaluates even if unchanged)",
});

/** Runs `evaluate`, under the profiler when `--profile` was given, printing the profile after it. */
export async function profiledIfAsked<T>(settings: { readonly profile: boolean }, io: CommandIO, evaluate: () => Promise<T>): Promise<T> {
  if (!settings.profile) return evaluate();
  const { value, profile } = await profileEvaluation(evaluate);
  io.stderr.write(formatEvaluationProfile(profile));
  return value;
}
