/**
 * `kiln path-info [--json] [-r] PATH…`: what the store knows of paths, as
 * `nix path-info` shows it. A PATH may be a store path, a link to one (such
 * as `./result`), or a config (`FILE.ts#attr`, meaning its outputs).
 */
import { realpathSync } from "node:fs";
import { instantiate, toStorePath, type LocalStore, type PathInfo } from "@kiln/core";
import { evaluateOptions, type EvaluationSettings } from "../config-options.js";
import { defineCommand } from "../settings/define-command.js";
import { flag } from "../settings/typed-option.js";
import { storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";
import { KilnError } from "@kiln/core";

/** The store paths a command-line argument stands for. */
export async function resolvePathArgument(argument: string, settings: EvaluationSettings, store: LocalStore): Promise<string[]> {
  if (argument.includes("#") || /\.(?:ts|mts|js|mjs)$/.test(argument)) {
    const found = await instantiate(argument, { ...evaluateOptions(settings), storeDir: storeDirFor(settings) });
    return found.flatMap(({ derivation }) => derivation.outputNames.map((name) => derivation.outputs[name]?.path ?? ""));
  }
  let real = argument;
  try {
    real = argument.startsWith(`${store.storeDir}/`) ? argument : realpathSync(argument);
  } catch {
    throw new KilnError(`path '${argument}' does not exist`);
  }
  return [toStorePath(real, store.storeDir)];
}

function toJson(info: PathInfo): Record<string, unknown> {
  return {
    path: info.path,
    narHash: info.narHash,
    narSize: info.narSize,
    references: info.references,
    ...(info.deriver !== undefined ? { deriver: info.deriver } : {}),
    registrationTime: info.registrationTime,
    valid: true,
    ...(info.ca !== undefined ? { ca: info.ca } : {}),
  };
}

export const pathInfoCommand = defineCommand({
  name: "path-info",
  summary: "Show what the store knows of paths (NAR hash and size, references, deriver)",
  usage: "path-info [--json] [-r] [-S] PATH…",
  options: [
    flag("json", { description: "Print JSON, as 'nix path-info --json'" }),
    flag("recursive", { short: "r", description: "Include the closure of the paths" }),
    flag("closure-size", { short: "S", description: "Print the closure size of each path" }),
  ],
  async run(settings, io, session) {
    if (settings.positionals.length === 0) throw new UsageError("'kiln path-info' needs a path, e.g. 'kiln path-info ./result'");
    const store = session.store();
    let paths: string[] = [];
    for (const argument of settings.positionals) paths.push(...(await resolvePathArgument(argument, settings, store)));
    for (const path of paths) if (!store.isValid(path)) throw new KilnError(`path '${path}' is not valid`);
    if (settings.recursive) paths = [...store.closure(paths)].sort();
    const infos = paths.map((path) => store.pathInfo(path) as PathInfo);
    const closureSize = (path: string): number => [...store.closure([path])].reduce((total, member) => total + (store.pathInfo(member)?.narSize ?? 0), 0);
    if (settings.json) {
      io.stdout.write(`${JSON.stringify(infos.map((info) => ({ ...toJson(info), ...(settings.closureSize ? { closureSize: closureSize(info.path) } : {}) })), null, 2)}\n`);
    } else {
      for (const info of infos) io.stdout.write(`${info.path}${settings.closureSize ? `\t${closureSize(info.path)}` : ""}\n`);
    }
    return 0;
  },
});
