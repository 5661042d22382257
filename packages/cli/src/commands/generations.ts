/**
 * `kiln generations [--root DIR] [--home]`: list the generations of the
 * machine (or home) profile with their dates and closure sizes, like
 * `nix-env --list-generations`, marking the current one and the one for
 * the next boot (see `kiln boot`); `--delete-older-than 30d`, `--delete N…`
 * and `--delete-old` (all but the current, as `nix-env --delete-generations
 * old`) delete generations (the current one and the one marked for the next
 * boot always stay), so that `kiln gc` can free what only they kept.
 */
import { parseAge, targetProfile, type Generation } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { flag, list, positiveWholeNumber, text } from "../settings/typed-option.js";
import { formatBytes } from "../format-bytes.js";
import { closureBytes } from "../machines/closure-size.js";
import { flaggedTarget, HOME_FLAG, PROFILE_ROOT_OPTION } from "../machines/target-options.js";
import { UsageError } from "../usage-error.js";

/** `2026-11-25 03:14:07`, in local time as nix-env prints it. */
function formatDate(date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export const generationsCommand = defineCommand({
  name: "generations",
  summary: "List (or delete) the generations of the machine or home profile",
  usage: "generations [--root DIR] [--home] [--delete-older-than AGE | --delete N... | --delete-old] [--json]",
  options: [
    PROFILE_ROOT_OPTION,
    HOME_FLAG,
    text("delete-older-than", { value: "AGE", description: "Delete generations older than AGE (e.g. 30d, 12h, 2w), keeping the current one and the one in use then" }),
    list("delete", { value: "N", description: "Delete generation N (repeatable)" }, positiveWholeNumber("delete", "a generation number")),
    flag("delete-old", { description: "Delete every generation but the current one (and the one marked for the next boot)" }),
    flag("json", { description: "Print the generations as JSON" }),
  ],
  async run(settings, io, session) {
    if (settings.positionals.length > 0) throw new UsageError(`'kiln generations' takes no arguments, but got: ${settings.positionals.join(" ")}`);
    const target = flaggedTarget(settings);
    const profile = targetProfile(target);
    const { deleteOlderThan: age, delete: numbers, deleteOld: old } = settings;
    if ([age !== undefined, numbers.length > 0, old].filter(Boolean).length > 1) throw new UsageError("give one of --delete-older-than, --delete and --delete-old");
    let deleted: Generation[] | undefined;
    if (age !== undefined) deleted = profile.deleteOlderThan(parseAge(age));
    else if (numbers.length > 0) deleted = profile.deleteGenerations(numbers);
    else if (old) deleted = profile.deleteOld();
    if (deleted !== undefined) {
      for (const generation of deleted) io.stderr.write(`deleted generation ${generation.number} (${generation.path})\n`);
      io.stderr.write(`${deleted.length} generation${deleted.length === 1 ? "" : "s"} deleted; 'kiln gc' frees what only they kept\n`);
      return 0;
    }
    const generations = profile.generations();
    if (generations.length === 0) {
      io.stderr.write(`${profile.link} has no generations yet: 'kiln switch' makes the first\n`);
      return 0;
    }
    const store = session.store();
    const rows = generations.map((generation) => ({ ...generation, closureBytes: closureBytes(store, generation.path) }));
    if (settings.json) {
      io.stdout.write(`${JSON.stringify(rows.map((row) => ({ number: row.number, path: row.path, date: row.date.toISOString(), current: row.current, nextBoot: row.nextBoot, closureBytes: row.closureBytes ?? null })), null, 2)}\n`);
      return 0;
    }
    for (const row of rows) {
      const size = row.closureBytes === undefined ? "?" : formatBytes(row.closureBytes);
      // With no boot mark the current generation is also the next boot's, which goes without saying.
      const marks = [...(row.current ? ["current"] : []), ...(row.nextBoot && !row.current ? ["next boot"] : [])];
      io.stdout.write(`${String(row.number).padStart(4)}   ${formatDate(row.date)}   ${size.padStart(10)}   ${row.path}${marks.length === 0 ? "" : `   (${marks.join(", ")})`}\n`);
    }
    return 0;
  },
});
