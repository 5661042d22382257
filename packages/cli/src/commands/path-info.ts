/**
 * `kiln path-info [--json] [-r] PATH…`: what the store knows of paths, as
 * `nix path-info` shows it. A PATH may be a store path, a link to one (such
 * as `./result`), or a config (`FILE.ts#attr`, meaning its outputs).
 */
import { realpathSync } from "node:fs";
import { instantiate, toStorePath, type LocalStore, type PathInfo } from "@kiln/core";
import type { Command, ParsedArgs } from "../command.js";
import { evaluateOptions } from "../config-options.js";
import { openLocalStore, storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";
import { KilnError } from "@kiln/core";

/** The store paths a command-line argument stands for. */
export async function resolvePathArgument(argument: string, args: ParsedArgs, store: LocalStore): Promise<string[]> {
  if (argument.includes("#") || /\.(?:ts|mts|js|mjs)$/.test(argument)) {
    const found = await instantiate(argument, { ...evaluateOptions(args), storeDir: storeDirFor(args) });
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

export const pathInfoCommand: Command = {
  name: "path-info",
  summary: "Show what the store knows of paths (NAR hash and size, references, deriver)",
  usage: "path-info [--json] [-r] [-S] PATH…",
  options: [
    { name: "json", type: "boolean", description: "Print JSON, as 'nix path-info --json'" },
    { name: "recursive", short: "r", type: "boolean", description: "Include the closure of the paths" },
    { name: "closure-size", short: "S", type: "boolean", description: "Print the closure size of each path" },
  ],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("'kiln path-info' needs a path, e.g. 'kiln path-info ./result'");
    const store = openLocalStore(args);
    try {
      let paths: string[] = [];
      for (const argument of args.positionals) paths.push(...(await resolvePathArgument(argument, args, store)));
      for (const path of paths) if (!store.isValid(path)) throw new KilnError(`path '${path}' is not valid`);
      if (args.options["recursive"] === true) paths = [...store.closure(paths)].sort();
      const infos = paths.map((path) => store.pathInfo(path) as PathInfo);
      const closureSize = (path: string): number => [...store.closure([path])].reduce((total, member) => total + (store.pathInfo(member)?.narSize ?? 0), 0);
      if (args.options["json"] === true) {
        io.stdout.write(`${JSON.stringify(infos.map((info) => ({ ...toJson(info), ...(args.options["closure-size"] === true ? { closureSize: closureSize(info.path) } : {}) })), null, 2)}\n`);
      } else {
        for (const info of infos) io.stdout.write(`${info.path}${args.options["closure-size"] === true ? `\t${closureSize(info.path)}` : ""}\n`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
