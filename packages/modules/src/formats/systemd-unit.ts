/**
 * systemd's unit file syntax (systemd.syntax(7)): `[Section]` headers and
 * `Key=value` lines, as NixOS writes units from `unitConfig`,
 * `serviceConfig` and `timerConfig`:
 *
 * - `true`/`false` are written as such, numbers in decimal;
 * - a list repeats the key, one line per element (`ExecStartPre=` twice
 *   runs both), as NixOS's `attrsToSection` does;
 * - `null` leaves the key out;
 * - a line cannot hold a newline: systemd would read the rest as a new
 *   line (or, after a `\`, join it with a space), so such values are refused.
 *
 * `Environment=` values are quoted with {@link systemdEnvironmentAssignment},
 * since systemd splits them at whitespace, undoes C escapes and expands `%`
 * specifiers (systemd.exec(5)).
 */
import { FormatError } from "./format-error.js";

/** One value of a unit file setting. */
export type SystemdUnitScalar = string | number | boolean;

/** A setting's value: a scalar, a list (one line each), or `null` (left out). */
export type SystemdUnitValue = SystemdUnitScalar | readonly SystemdUnitScalar[] | null;

/** The settings of one `[Section]`, in the order they are written. */
export type SystemdUnitSection = Readonly<Record<string, SystemdUnitValue>>;

/** A unit: its sections by name (`Unit`, `Service`, `Timer`, `Install`…), in order. */
export type SystemdUnitSections = Readonly<Record<string, SystemdUnitSection>>;

/** A scalar as systemd reads it. */
export function systemdScalar(value: SystemdUnitScalar): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

function settingLines(unit: string, section: string, key: string, value: SystemdUnitValue): string[] {
  if (value === null) return [];
  const values: readonly SystemdUnitScalar[] = Array.isArray(value) ? value : [value as SystemdUnitScalar];
  return values.map((item) => {
    const text = systemdScalar(item);
    if (/[\n\r]/.test(text)) {
      throw new FormatError(`${unit}: the setting [${section}] ${key} has a value with a line break, which a unit file cannot hold: ${JSON.stringify(text)}. Put multi-line commands in a script (\`script' or \`preStart' of the service).`);
    }
    return `${key}=${text}`;
  });
}

/**
 * The text of a unit file. Empty sections are left out; `unit` names the
 * unit (or the option it comes from) in error messages.
 */
export function renderSystemdUnit(sections: SystemdUnitSections, unit: string): string {
  const blocks: string[] = [];
  for (const [section, settings] of Object.entries(sections)) {
    const lines = Object.entries(settings).flatMap(([key, value]) => settingLines(unit, section, key, value));
    if (lines.length > 0) blocks.push(`[${section}]\n${lines.join("\n")}\n`);
  }
  return blocks.join("\n");
}

function escapeCharacter(character: string): string {
  switch (character) {
    case "\\":
      return "\\\\";
    case '"':
      return '\\"';
    case "\n":
      return "\\n";
    case "\t":
      return "\\t";
    case "\r":
      return "\\r";
    case "%":
      return "%%";
    default:
      return `\\x${character.charCodeAt(0).toString(16).padStart(2, "0")}`;
  }
}

/**
 * The value of one `Environment=` line for `name=value`: double-quoted, so
 * spaces stay in the value; `\` and `"` escaped, control characters as C
 * escapes (`\n`, `\x1b`), and `%` doubled so that systemd does not take it
 * for a specifier. `$` needs nothing: `Environment=` does not expand
 * variables.
 */
export function systemdEnvironmentAssignment(name: string, value: string): string {
  const escaped = `${name}=${value}`.replace(/[\\"%\x00-\x1f\x7f]/g, escapeCharacter);
  return `"${escaped}"`;
}
