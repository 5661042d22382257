/** Printing what an activation changed (or, for `--dry`, would change). */
import type { ActivationReport, ActivationTarget, FileChange } from "@kiln/core";
import type { CommandIO } from "../command.js";

const VERB: Record<FileChange["action"], [string, string]> = {
  create: ["create", "created"],
  replace: ["replace", "replaced"],
  "back-up-and-create": ["move aside (to .before-kiln) and replace", "moved aside and replaced"],
  remove: ["remove", "removed"],
  leave: ["leave alone", "left alone"],
};

function list(label: string, names: readonly string[]): string | undefined {
  return names.length === 0 ? undefined : `${label} ${names.join(", ")}`;
}

/** Writes the report to stderr; `dry` words it as what would happen. */
export function reportActivation(report: ActivationReport, target: ActivationTarget, io: CommandIO, dry: boolean): void {
  const out = (line: string): void => void io.stderr.write(`${line}\n`);
  const tense = dry ? 0 : 1;
  const counts = new Map<string, number>();
  for (const change of report.files.changes) {
    if (dry || change.action !== "create") out(`  ${VERB[change.action][tense]} ${target.filesDir}/${change.path}`);
    counts.set(change.action, (counts.get(change.action) ?? 0) + 1);
  }
  const summary = [...counts].map(([action, count]) => `${count} ${VERB[action as FileChange["action"]][1]}`);
  out(`files: ${summary.length === 0 ? "no changes" : summary.join(", ")} (${report.files.unchanged} unchanged)`);
  if (report.runtimeLinks.length > 0) {
    const links = report.runtimeLinks.map((link) => (link.target === undefined ? `${dry ? "would remove" : "removed"} ${link.path}` : `${link.path} -> ${link.target}`));
    out(`run-time links: ${links.join("; ")}`);
  }
  if (report.accounts !== undefined) {
    const accounts = report.accounts;
    const parts = [
      list("users added:", accounts.usersAdded),
      list("users changed:", accounts.usersChanged),
      list("users removed:", accounts.usersRemoved),
      list("groups added:", accounts.groupsAdded),
      list("groups changed:", accounts.groupsChanged),
      list("groups removed:", accounts.groupsRemoved),
    ].filter((part): part is string => part !== undefined);
    out(`accounts: ${parts.length === 0 ? "no changes" : parts.join("; ")}`);
  }
  if (report.secrets !== undefined) {
    const secrets = report.secrets;
    const parts = [list("changed:", secrets.changed), list("removed:", secrets.removed)].filter((part): part is string => part !== undefined);
    out(`secrets: ${secrets.installed.length} in ${secrets.directory}${parts.length === 0 ? ", none changed" : `; ${parts.join("; ")}`}`);
  }
  const units = [list("start", report.units.start), list("restart", report.units.restart), list("stop", report.units.stop)].filter((part): part is string => part !== undefined);
  if (units.length > 0) out(`units: ${units.join("; ")}${report.units.applied || dry ? "" : " (not done: not the running machine)"}`);
  for (const script of report.scripts) {
    out(`${dry ? "would run" : "ran"} activation script '${script.name}'`);
    if (script.output !== "") io.stderr.write(script.output.replace(/^/gm, "  | ").replace(/\| $/, "").trimEnd() + "\n");
  }
  for (const warning of report.warnings) out(`warning: ${warning}`);
}
