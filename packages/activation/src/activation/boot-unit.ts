/**
 * The one systemd unit Kiln installs outside any generation:
 * `kiln-boot.service`, wanted by `sysinit.target`, which early at each start
 * runs `kiln boot --activate-marked` (see `boot-generation.ts`). It plays
 * the part of NixOS's stage-2 activation, which a boot loader entry starts;
 * Kiln manages a machine whose boot loader it does not own, so it hooks into
 * the distribution's systemd instead. The unit is ordered after the local
 * file systems (the store and `/var/lib/kiln` must be there) and before
 * `sysinit.target`, so the units of the generation it activates start as
 * part of the same boot.
 */
import { mkdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { replaceSymlinkAtomically, writeFileAtomically } from "@kiln/formats";
import type { ActivationTarget } from "./activation-target.js";

/** The unit's name. */
export const BOOT_UNIT = "kiln-boot.service";

/** One word of an `ExecStart=` line: quoted when needed, with systemd's `%` specifiers and `$` variables escaped. */
function unitWord(word: string): string {
  const escaped = word.replaceAll("%", "%%").replaceAll("$", "$$$$");
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped) ? escaped : `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** The text of the unit that runs `command` (an absolute program, then its arguments) early at boot. */
export function bootUnitText(command: readonly string[]): string {
  return [
    "# Installed by 'kiln switch': activates the generation 'kiln boot' marked (or, after 'kiln switch --test', the current one) early at boot.",
    "[Unit]",
    "Description=Activate the Kiln generation marked for this boot",
    "DefaultDependencies=no",
    "RequiresMountsFor=/var/lib/kiln",
    "After=local-fs.target",
    "Before=sysinit.target shutdown.target",
    "Conflicts=shutdown.target",
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${command.map(unitWord).join(" ")}`,
    "",
    "[Install]",
    "WantedBy=sysinit.target",
    "",
  ].join("\n");
}

function readOrNothing(read: () => string): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/**
 * Installs (or updates) the boot unit running `command` in the target's
 * `/etc/systemd/system`, enabled by its `sysinit.target.wants` link.
 * Returns whether anything changed; the caller reloads systemd.
 */
export function installBootUnit(target: ActivationTarget, command: readonly string[]): boolean {
  const directory = join(target.filesDir, "systemd", "system");
  const unit = join(directory, BOOT_UNIT);
  const wants = join(directory, "sysinit.target.wants", BOOT_UNIT);
  const text = bootUnitText(command);
  let changed = false;
  if (readOrNothing(() => readFileSync(unit, "utf8")) !== text) {
    writeFileAtomically(unit, text, 0o644);
    changed = true;
  }
  if (readOrNothing(() => readlinkSync(wants)) !== unit) {
    mkdirSync(join(directory, "sysinit.target.wants"), { recursive: true });
    replaceSymlinkAtomically(wants, unit);
    changed = true;
  }
  return changed;
}
