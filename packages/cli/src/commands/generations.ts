/**
 * `kiln generations [--root DIR] [--home]`: list the generations of the
 * machine (or home) profile with their dates and closure sizes, like
 * `nix-env --list-generations`, marking the current one and the one for
 * the next boot (see `kiln boot`); `--delete-older-than 30d`, `--delete N…`
 * and `--delete-old` (all but the current, as `nix-env --delete-generations
 * old`) delete generations (the current one and the one marked for the next
 * boot always stay), so that `kiln gc` can free what only they kept.
 */
import { LocalStore, parseAge, targetProfile, type Generation } from "@kiln/core";
import type { Command } from "../command.js";
import { formatBytes } from "../format-bytes.js";
import { closureBytes } from "../machines/closure-size.js";
import { flaggedTarget, HOME_FLAG, PROFILE_ROOT_OPTION } from "../machines/target-options.js";
import { storeDirFor } from "../store-options.js";
import { UsageError } from "../usage-error.js";

/** `2026-11-25 03:14:07`, in local time as nix-env prints it. */
function formatDate(date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export const generationsCommand: Command = {
  name: "generations",
  summary: "List (or delete) the generations of the machine or home profile",
  usage: "generations [--root DIR] [--home] [--delete-older-than AGE | --delete N... | --delete-old] [--json]",
  options: [
    PROFILE_ROOT_OPTION,
    HOME_FLAG,
    { name: "delete-older-than", type: "string", value: "AGE", description: "Delete generations older than AGE (e.g. 30d, 12h, 2w), keeping the current one and the one in use then" },
    { name: "delete", type: "string", value: "N", multiple: true, description: "Delete generation N (repeatable)" },
    { name: "delete-old", type: "boolean", description: "Delete every generation but the current one (and the one marked for the next boot)" },
    { name: "json", type: "boolean", description: "Print the generations as JSON" },
  ],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`'kiln generations' takes no arguments, but got: ${args.positionals.join(" ")}`);
    const target = flaggedTarget(args);
    const profile = targetProfile(target);
    const age = args.options["delete-older-than"];
    const given = args.options["delete"];
    const numbers = (Array.isArray(given) ? given : typeof given === "string" ? [given] : []).map((text) => {
      const number = Number(text);
      if (!Number.isInteger(number) || number < 1) throw new UsageError(`--delete needs a generation number, not '${text}'`);
      return number;
    });
    const old = args.options["delete-old"] === true;
    if ([typeof age === "string", numbers.length > 0, old].filter(Boolean).length > 1) throw new UsageError("give one of --delete-older-than, --delete and --delete-old");
    let deleted: Generation[] | undefined;
    if (typeof age === "string") deleted = profile.deleteOlderThan(parseAge(age));
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
    const store = LocalStore.open({ storeDir: storeDirFor(args) });
    try {
      const rows = generations.map((generation) => ({ ...generation, closureBytes: closureBytes(store, generation.path) }));
      if (args.options["json"] === true) {
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
    } finally {
      store.close();
    }
  },
};
