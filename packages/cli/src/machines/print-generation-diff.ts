/**
 * Printing a generation diff for people, as `kiln diff` and the plan before
 * `kiln switch` show it: one section per kind of change (packages, closure
 * size, `/etc` entries, users, groups, units, run-time links, activation scripts), sections
 * without changes left out, text diffs indented under their entry.
 */
import type { ChangedField, ChangedFile, GenerationDiff, ManagedFile, UnitChanges } from "@kiln/core";
import { formatBytes } from "../format-bytes.js";

function indent(text: string): string[] {
  return text.trimEnd().split("\n").map((line) => `      ${line}`);
}

function describeFile(file: ManagedFile): string {
  return file.mode === "symlink" ? "link" : `copy ${file.mode} ${file.user}:${file.group}`;
}

function fileChange(change: ChangedFile): string {
  const notes: string[] = [];
  if (describeFile(change.before) !== describeFile(change.after)) notes.push(`${describeFile(change.before)} → ${describeFile(change.after)}`);
  if (change.before.source !== change.after.source && change.diff === undefined) notes.push("content changed");
  return notes.length === 0 ? "" : ` (${notes.join("; ")})`;
}

function value(field: unknown): string {
  if (Array.isArray(field)) return `[${field.join(", ")}]`;
  if (field === null || field === undefined) return "unset";
  return typeof field === "string" ? (field === "" ? '""' : field) : JSON.stringify(field);
}

function fields(changed: readonly ChangedField[]): string {
  return changed.map((change) => `${change.field} ${value(change.before)} → ${value(change.after)}`).join("; ");
}

/** The lines of `diff` (without the header); "no changes" when there are none. */
export function generationDiffLines(diff: GenerationDiff): string[] {
  const lines: string[] = [];
  const section = (title: string, entries: string[]): void => {
    if (entries.length > 0) lines.push(`${title}:`, ...entries);
  };
  const row = (verb: string, text: string): string => `  ${verb.padEnd(8)} ${text}`;
  const { packages } = diff;
  section("packages", [
    ...packages.added.map((pkg) => row("added", pkg.name)),
    ...packages.removed.map((pkg) => row("removed", pkg.name)),
    ...packages.changed.map((change) => row("changed", `${change.name}: ${change.from} → ${change.to}`)),
  ]);
  const { before, after } = diff.closureBytes;
  if (Number.isNaN(before) || Number.isNaN(after)) lines.push("closure size: unknown (a generation is not in this store)");
  else lines.push(`closure size: ${formatBytes(before)} → ${formatBytes(after)} (${after >= before ? "+" : "-"}${formatBytes(Math.abs(after - before))})`);
  section(diff.kind === "machine" ? "/etc" : "files", [
    ...diff.files.added.map((entry) => row("added", entry.path)),
    ...diff.files.removed.map((entry) => row("removed", entry.path)),
    ...diff.files.changed.flatMap((change) => [row("changed", `${change.path}${fileChange(change)}`), ...(change.diff === undefined ? [] : indent(change.diff))]),
  ]);
  for (const [title, accounts] of [["users", diff.users], ["groups", diff.groups]] as const) {
    section(title, [
      ...accounts.added.map((name) => row("added", name)),
      ...accounts.removed.map((name) => row("removed", name)),
      ...accounts.changed.map((change) => row("changed", `${change.name}: ${fields(change.fields)}`)),
    ]);
  }
  const wanted = (targets: readonly string[]): string => (targets.length === 0 ? "" : ` (wanted by ${targets.join(", ")})`);
  section("systemd units", [
    ...diff.units.added.map((unit) => row("added", `${unit.name}${wanted(unit.wantedBy)}`)),
    ...diff.units.removed.map((unit) => row("removed", unit.name)),
    ...diff.units.changed.flatMap((change) => [
      row("changed", `${change.name}${change.wantedBy === undefined ? "" : `: wanted by ${value(change.wantedBy.before)} → ${value(change.wantedBy.after)}`}`),
      ...(change.diff === undefined ? [] : indent(change.diff)),
    ]),
  ]);
  section("run-time links", [
    ...diff.runtimeLinks.added.map((link) => row("added", `${link.path} -> ${link.target}`)),
    ...diff.runtimeLinks.removed.map((link) => row("removed", link.path)),
    ...diff.runtimeLinks.changed.map((change) => row("changed", `${change.path}: ${change.from} → ${change.to}`)),
  ]);
  section("activation scripts", [
    ...diff.activationScripts.added.map((name) => row("added", name)),
    ...diff.activationScripts.removed.map((name) => row("removed", name)),
    ...diff.activationScripts.changed.flatMap((change) => [row("changed", change.name), ...(change.diff === undefined ? [] : indent(change.diff))]),
  ]);
  if (lines.length === 1) lines.unshift("no changes");
  return lines;
}

/** The line naming the units a switch stops, restarts and starts (`live`: on the running machine, else only reported); none when it touches no unit. */
export function unitChangeLines(units: UnitChanges, live: boolean): string[] {
  const parts = [
    ...(units.stop.length === 0 ? [] : [`stop ${units.stop.join(", ")}`]),
    ...(units.restart.length === 0 ? [] : [`restart ${units.restart.join(", ")}`]),
    ...(units.start.length === 0 ? [] : [`start ${units.start.join(", ")}`]),
  ];
  if (parts.length === 0) return [];
  return [live ? `units: will ${parts.join("; ")}` : `units (only reported: not the running machine): ${parts.join("; ")}`];
}
