/**
 * `--profile` of `kiln eval`, `kiln build` and `kiln switch`: evaluates the
 * config under the profiler and prints, on standard error, the time and
 * derivations per file of the config and per package (see
 * `evaluation-profile.ts` in `@kiln/core`).
 */
import { formatEvaluationProfile, profileEvaluation } from "@kiln/core";
import type { CommandIO, OptionSpec, ParsedArgs } from "./command.js";

/** The `--profile` option. */
export const PROFILE_OPTION: OptionSpec = {
  name: "profile",
  type: "boolean",
  description: "Print where evaluating the config spent its time, and made its derivations, per file and per package (evaluates even if unchanged)",
};

/** Runs `evaluate`, under the profiler when `--profile` was given, printing the profile after it. */
export async function profiledIfAsked<T>(args: ParsedArgs, io: CommandIO, evaluate: () => Promise<T>): Promise<T> {
  if (args.options["profile"] !== true) return evaluate();
  const { value, profile } = await profileEvaluation(evaluate);
  io.stderr.write(formatEvaluationProfile(profile));
  return value;
}
