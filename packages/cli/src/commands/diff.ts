/**
 * `kiln diff [GEN1 GEN2] [--root DIR] [--home]`: what changed between two
 * generations: packages added, removed and changed in version and the
 * closure size, like `nix store diff-closures`, and the `/etc` entries
 * (with text diffs), users, groups, systemd units and activation scripts
 * (see `diffGenerations`). Without numbers, the previous generation against
 * the current one.
 */
import { diffGenerations, readActivationManifest, targetProfile, type Generation } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { flag } from "../settings/typed-option.js";
import { closureBytes } from "../machines/closure-size.js";
import { generationDiffLines } from "../machines/print-generation-diff.js";
import { flaggedTarget, HOME_FLAG, PROFILE_ROOT_OPTION } from "../machines/target-options.js";
import { UsageError } from "../usage-error.js";

function generationNumber(text: string): number {
  const number = Number(text);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`'${text}' is not a generation number (see 'kiln generations')`);
  return number;
}

export const diffCommand = defineCommand({
  name: "diff",
  summary: "Show what changed between two generations: packages, closure size, /etc entries, users, groups, units, activation scripts",
  usage: "diff [GEN1 GEN2] [--root DIR] [--home] [--json]",
  options: [PROFILE_ROOT_OPTION, HOME_FLAG, flag("json", { description: "Print the difference as JSON" })],
  async run(settings, io, session) {
    const profile = targetProfile(flaggedTarget(settings));
    let from: Generation;
    let to: Generation;
    if (settings.positionals.length === 0) {
      from = profile.previous();
      to = profile.current() as Generation;
    } else if (settings.positionals.length === 2) {
      from = profile.generation(generationNumber(settings.positionals[0] as string));
      to = profile.generation(generationNumber(settings.positionals[1] as string));
    } else {
      throw new UsageError("'kiln diff' takes two generation numbers, or none (the previous generation against the current one)");
    }
    const store = session.store();
    const diff = diffGenerations(readActivationManifest(from.path), from.path, readActivationManifest(to.path), to.path, (path) => closureBytes(store, path) ?? Number.NaN);
    if (settings.json) {
      io.stdout.write(`${JSON.stringify({ from: from.number, to: to.number, ...diff }, null, 2)}\n`);
      return 0;
    }
    io.stdout.write(`generation ${from.number} → ${to.number}\n${generationDiffLines(diff).join("\n")}\n`);
    return 0;
  },
});
