/**
 * sshd_config(5) syntax: one `Keyword value` line per setting, as NixOS's
 * openssh module writes `services.openssh.settings`:
 *
 * - booleans are `yes`/`no`;
 * - lists of algorithms (`Ciphers`, `KexAlgorithms`, `Macs`) are joined by
 *   commas, lists of names and files (`AllowUsers`, `AuthorizedKeysFile`…)
 *   by spaces, and any other list repeats the keyword (sshd reads `Port`,
 *   `ListenAddress`, `HostKey`, `AcceptEnv` several times);
 * - `null` leaves the keyword out.
 *
 * sshd takes the first value it reads for most keywords, and a `Match`
 * block runs to the end of the file, so callers put settings before any
 * free-form text.
 */
import { FormatError } from "./format-error.js";

/** A scalar sshd setting. */
export type SshdScalar = string | number | boolean;

/** A setting's value: a scalar, a list, or `null` (left out). */
export type SshdValue = SshdScalar | readonly SshdScalar[] | null;

/** Keywords whose list values sshd reads comma-separated. */
const COMMA_SEPARATED: ReadonlySet<string> = new Set(["Ciphers", "KexAlgorithms", "Macs"]);

/** Keywords whose list values sshd reads space-separated on one line. */
const SPACE_SEPARATED: ReadonlySet<string> = new Set(["AllowGroups", "AllowUsers", "AuthorizedKeysFile", "DenyGroups", "DenyUsers"]);

function scalar(key: string, value: SshdScalar): string {
  const text = typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
  if (/[\n\r]/.test(text)) throw new FormatError(`sshd_config: the setting ${key} has a value with a line break: ${JSON.stringify(text)}`);
  return text;
}

/** The lines of one setting. */
export function sshdSettingLines(key: string, value: SshdValue): string[] {
  if (value === null) return [];
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) throw new FormatError(`sshd_config: \`${key}' is not an sshd keyword (letters and digits only); put Match blocks and other free-form text in extraConfig`);
  if (!Array.isArray(value)) return [`${key} ${scalar(key, value as SshdScalar)}`];
  const values = (value as readonly SshdScalar[]).map((item) => scalar(key, item));
  if (COMMA_SEPARATED.has(key)) return values.length === 0 ? [] : [`${key} ${values.join(",")}`];
  if (SPACE_SEPARATED.has(key)) return values.length === 0 ? [] : [`${key} ${values.join(" ")}`];
  return values.map((item) => `${key} ${item}`);
}

/** The text of an sshd_config holding `settings` (in order), then `extraConfig`. */
export function renderSshdConfig(settings: Readonly<Record<string, SshdValue>>, extraConfig = ""): string {
  const lines = Object.entries(settings).flatMap(([key, value]) => sshdSettingLines(key, value));
  const extra = extraConfig.trim() === "" ? "" : `\n${extraConfig.replace(/\n*$/, "\n")}`;
  return `${lines.join("\n")}\n${extra}`;
}
