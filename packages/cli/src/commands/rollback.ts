/**
 * `kiln rollback [--root DIR] [--home] [--to N]`: activate the generation
 * before the current one (or generation N) again and make it current, as
 * `nixos-rebuild switch --rollback` does. Newer generations stay, so
 * `kiln rollback --to N` can go forward again.
 */
import { LocalStore, rollbackConfiguration, type SwitchMode } from "@kiln/core";
import type { Command } from "../command.js";
import { reportActivation } from "../machines/report-activation.js";
import { flaggedTarget, HOME_FLAG, ROOT_OPTION, rootRegistrar } from "../machines/target-options.js";
import { storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";

export const rollbackCommand: Command = {
  name: "rollback",
  summary: "Activate the previous generation again (or generation N with --to N)",
  usage: "rollback [--root DIR] [--home] [--to N] [--dry]",
  options: [
    ROOT_OPTION,
    HOME_FLAG,
    { name: "to", type: "string", value: "N", description: "Switch to generation N instead of the previous one" },
    { name: "dry", type: "boolean", description: "Only show what would change" },
  ],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`'kiln rollback' takes no arguments, but got: ${args.positionals.join(" ")}`);
    const toText = args.options["to"];
    const to = typeof toText === "string" ? Number(toText) : undefined;
    if (to !== undefined && !(Number.isInteger(to) && to > 0)) throw new UsageError(`--to needs a generation number, not '${String(toText)}'`);
    const target = flaggedTarget(args);
    const mode: SwitchMode = args.options["dry"] === true ? "dry" : "switch";
    const store = LocalStore.open({ storeDir: storeDirFor(args) });
    try {
      const registerRoot = rootRegistrar(store);
      const { report, generation } = rollbackConfiguration(target, { mode, ...(to === undefined ? {} : { to }), ...(registerRoot === undefined ? {} : { registerRoot }) });
      io.stderr.write(`${mode === "dry" ? "would activate" : "activated"} ${report.toplevel} on ${target.root}\n`);
      reportActivation(report, target, io, mode === "dry");
      if (generation !== undefined) io.stderr.write(`generation ${generation.number} of ${target.stateDir}/profiles/${target.profileName} is current\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};
