/**
 * `kiln build` and `kiln instantiate` answered from the evaluation cache
 * before the rest of Kiln is loaded: for an unchanged config (the most
 * common command), the whole run is reading one cache entry, checking what
 * the evaluation read, and a look into the store. Only the plain forms are
 * answered here (a config, `--store-dir`, `--json`, `-v`, and `--no-link`,
 * `--out-link`, the options of how builds would run (`-j`, `--no-sandbox`…,
 * moot when nothing is to be built) or `--read-only`); anything else, and
 * every miss, goes to the command itself, which says why with `-v`.
 */
import { parseArgs } from "node:util";
import { EVALUATION_REUSED_NOTE, ExistingStore, defaultStoreDir, evaluationCacheEnabled, evaluationKeyOf, lookupEvaluation, reportWarning } from "@kiln/core/cache-hit";
import type { CommandIO } from "./command.js";
import { fallbackPackages, isDefaultSet, resolveInstallable } from "./installables.js";
import { warnIfOtherKilnVersion } from "./project/project-kiln-version.js";
import { allOutputsValid, isKilnStore, makeResultLinks, printBuilt, printInstantiated, storeHasRoots } from "./root-output.js";
import { KILN_VERSION } from "./version.js";

type Flag = { readonly type: "boolean" | "string"; readonly short?: string };

/**
 * How builds would run: nothing runs when every output is valid already, so
 * `kiln build` itself reads none of these then, and neither does the answer
 * here (as a no-op `nix-build -j 2` is the same no-op).
 */
const BUILD_RUN_OPTIONS: Readonly<Record<string, Flag>> = {
  "max-jobs": { type: "string", short: "j" },
  "keep-going": { type: "boolean", short: "k" },
  sandbox: { type: "boolean" },
  "no-sandbox": { type: "boolean" },
  timeout: { type: "string" },
  "max-silent-time": { type: "string" },
  "print-build-logs": { type: "boolean", short: "L" },
};

/** The options each command may have here: the plain forms only. */
const PLAIN_OPTIONS: Readonly<Record<"build" | "instantiate", Readonly<Record<string, Flag>>>> = {
  build: { "no-link": { type: "boolean" }, "out-link": { type: "string", short: "o" }, realiser: { type: "string" }, ...BUILD_RUN_OPTIONS },
  instantiate: { "read-only": { type: "boolean" } },
};

/** Whether the build-run options given are ones `kiln build` accepts without a doubt; anything else goes to it, to be judged there. */
function plainBuildRunOptions(values: Readonly<Record<string, string | boolean | undefined>>): boolean {
  for (const name of ["max-jobs", "timeout", "max-silent-time"]) {
    const value = values[name];
    if (value !== undefined && (typeof value !== "string" || !/^[1-9][0-9]*$/.test(value))) return false;
  }
  return !(values["sandbox"] === true && values["no-sandbox"] === true);
}
const COMMON_OPTIONS: Readonly<Record<string, Flag>> = {
  "store-dir": { type: "string" },
  json: { type: "boolean" },
  verbose: { type: "boolean", short: "v" },
  "show-trace": { type: "boolean" },
};

/**
 * Runs `argv` (without the program name) from the evaluation cache if it is
 * a plain `kiln build` or `kiln instantiate` whose config is unchanged;
 * returns its exit code, or `undefined` when the command must run itself.
 */
export async function runFromEvaluationCache(argv: readonly string[], io: CommandIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if ((name !== "build" && name !== "instantiate") || !evaluationCacheEnabled()) return undefined;
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...rest], options: { ...COMMON_OPTIONS, ...PLAIN_OPTIONS[name] }, allowPositionals: true, strict: true }));
  } catch {
    return undefined;
  }
  const given = positionals[0];
  if (given === undefined || positionals.length > 1 || (values["realiser"] !== undefined && values["realiser"] !== "local") || !plainBuildRunOptions(values)) return undefined;
  try {
    const storeDir = typeof values["store-dir"] === "string" ? values["store-dir"] : defaultStoreDir();
    const lookup = lookupEvaluation(evaluationKeyOf(resolveInstallable(given), { storeDir, fallbackPackages: fallbackPackages() }));
    if (!("hit" in lookup)) return undefined;
    const { roots, warnings } = lookup.hit;
    const writes = name === "build" || (values["read-only"] !== true && isKilnStore(storeDir));
    // Only looked into: a store not set up yet cannot have what the entry names.
    const store = writes ? ExistingStore.open({ storeDir }) : undefined;
    if (writes && store === undefined) return undefined;
    try {
      if (store !== undefined && !(name === "build" ? allOutputsValid(store, roots) : storeHasRoots(store, roots))) return undefined;
      const built = new Map(roots.map((root) => [root.drvPath, root.outputs]));
      // Before anything is said: if a link cannot be made, the command itself runs and says why, once.
      if (name === "build" && values["no-link"] !== true) makeResultLinks(typeof values["out-link"] === "string" ? values["out-link"] : "result", roots, built, store);
      // What the command would have said before evaluating.
      if (!isDefaultSet(given)) warnIfOtherKilnVersion(given.replace(/#.*$/s, ""), KILN_VERSION);
      if (values["verbose"] === true) io.stderr.write(`${EVALUATION_REUSED_NOTE}\n`);
      for (const warning of warnings) reportWarning(warning);
      if (name === "instantiate") printInstantiated(roots, values["json"] === true, io);
      else printBuilt(roots, built, values["json"] === true, io);
      return 0;
    } finally {
      store?.close();
    }
  } catch {
    // Whatever went wrong, the command itself does it again and reports it as it does.
    return undefined;
  }
}
