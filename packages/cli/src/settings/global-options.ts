/**
 * The options every command accepts: the store, the limits on evaluating a
 * config, `--show-trace` and `--help`.
 */
import { UsageError } from "../usage-error.js";
import { converted, flag, optionGroup, text, type SettingsOf } from "./typed-option.js";

/** A positive number given to `--NAME`, or a usage error naming it. */
function positiveNumber(name: string): (given: string) => number {
  return (given) => {
    const value = Number(given);
    if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} takes a positive number, not '${given}'`);
    return value;
  };
}

/** `--help`: the command's help instead of running it. */
export const HELP_OPTION = flag("help", { short: "h", description: "Show help for the command" });

/** Options every command accepts. */
export const GLOBAL_OPTIONS = optionGroup(
  text("store-dir", { value: "DIR", description: "The store directory (default: $KILN_STORE_DIR, else ~/.local/share/kiln/store); its database and logs are in $KILN_STATE_DIR, else <parent of DIR>/var/kiln" }),
  flag("show-trace", { description: "On error, also print Kiln's own stack trace" }),
  converted("eval-timeout", { value: "SECONDS", description: "Stop evaluating a config after this long, naming the line it was on (default: no limit)" }, positiveNumber("eval-timeout")),
  converted("eval-memory", { value: "MIB", description: "Stop evaluating a config once it has used this much memory (default: 80% of Node's heap limit)" }, positiveNumber("eval-memory")),
  HELP_OPTION,
);

/** The settings of {@link GLOBAL_OPTIONS}. */
export type GlobalSettings = SettingsOf<typeof GLOBAL_OPTIONS>;
