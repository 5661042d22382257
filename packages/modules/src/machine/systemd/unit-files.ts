/**
 * Systemd units as files of `/etc`: each enabled service and timer is
 * rendered (see `formats/systemd-unit.ts`), written to the store as
 * `<store path>/<unit>` (the file keeps the unit's name, as NixOS's
 * `makeUnit`), and becomes the `environment.etc` entry
 * `systemd/system/<unit>`, plus one entry `systemd/system/<target>.wants/<unit>`
 * (or `.requires/`) per `wantedBy` (`requiredBy`) target linking to the same
 * store file, as NixOS links `/etc/systemd/system`.
 */
import { isShellVariableName } from "../../formats/shell-quote.js";
import { renderSystemdUnit, systemdEnvironmentAssignment, type SystemdUnitSection, type SystemdUnitValue } from "../../formats/systemd-unit.js";
import { showOption } from "../../options/show-option.js";
import { MachineConfigError } from "../machine-config-error.js";
import type { MachinePackageSet } from "../../target/package-set.js";
import { storePathName } from "../../target/package-values.js";
import type { PackageValue } from "../../types/primitive-types.js";

/** The unit options common to services and timers, as read from `config`. */
export interface UnitConfig {
  readonly enable: boolean;
  readonly description: string;
  readonly requires: readonly string[];
  readonly wants: readonly string[];
  readonly after: readonly string[];
  readonly before: readonly string[];
  readonly wantedBy: readonly string[];
  readonly requiredBy: readonly string[];
  readonly unitConfig: Readonly<Record<string, SystemdUnitValue>>;
}

/** A service's options, as read from `config`. */
export interface ServiceConfig extends UnitConfig {
  readonly serviceConfig: Readonly<Record<string, SystemdUnitValue>>;
  readonly environment: Readonly<Record<string, string | null>>;
}

/** A timer's options, as read from `config`. */
export interface TimerConfig extends UnitConfig {
  readonly timerConfig: Readonly<Record<string, SystemdUnitValue>>;
}

/** An `environment.etc` entry made here. */
export interface UnitEtcEntry {
  readonly source: PackageValue;
}

function joined(list: readonly string[]): string | null {
  return list.length === 0 ? null : list.join(" ");
}

/** The `[Unit]` section: description and dependencies first, then `unitConfig`. */
function unitSection(unit: UnitConfig): SystemdUnitSection {
  return {
    Description: unit.description === "" ? null : unit.description,
    Requires: joined(unit.requires),
    Wants: joined(unit.wants),
    After: joined(unit.after),
    Before: joined(unit.before),
    ...unit.unitConfig,
  };
}

/** `Environment=` lines for a service's variables, sorted by name, checked. */
function environmentLines(name: string, environment: Readonly<Record<string, string | null>>): string[] {
  return Object.keys(environment)
    .sort()
    .flatMap((variable) => {
      const value = environment[variable];
      if (value === null || value === undefined) return [];
      if (!isShellVariableName(variable)) {
        throw new MachineConfigError(`\`${variable}' in ${showOption(["systemd", "services", name, "environment"])} is not a valid environment variable name: use letters, digits and _, not starting with a digit.`);
      }
      return [systemdEnvironmentAssignment(variable, value)];
    });
}

/** The text of `<name>.service`. */
export function serviceUnitText(name: string, service: ServiceConfig): string {
  const where = showOption(["systemd", "services", name]);
  const environment = environmentLines(name, service.environment);
  return renderSystemdUnit({ Unit: unitSection(service), Service: { ...(environment.length === 0 ? {} : { Environment: environment }), ...service.serviceConfig } }, where);
}

/** The text of `<name>.timer`. */
export function timerUnitText(name: string, timer: TimerConfig): string {
  return renderSystemdUnit({ Unit: unitSection(timer), Timer: timer.timerConfig }, showOption(["systemd", "timers", name]));
}

function checkUnitName(kind: "services" | "timers", name: string): void {
  if (name === "" || name.includes("/")) throw new MachineConfigError(`${showOption(["systemd", kind, name])}: a unit name cannot be empty or contain '/'.`);
}

/** The `/etc` entries of one unit: its file, and its `.wants`/`.requires` links. */
function unitEntries(pkgs: MachinePackageSet, unitName: string, unit: UnitConfig, text: string): [string, UnitEtcEntry][] {
  // A directory holding the file under the unit's own name, as NixOS's
  // `makeUnit`: systemd takes a link whose target has another name for an
  // alias, so `/etc/systemd/system/NAME` must resolve to a file called NAME.
  const directory = pkgs.runCommand(`unit-${storePathName(unitName)}`, { text, unitName }, 'mkdir "$out" && printf \'%s\' "$text" > "$out/$unitName"');
  const source = `${directory}/${unitName}`;
  return [
    [`systemd/system/${unitName}`, { source }],
    ...unit.wantedBy.map((target): [string, UnitEtcEntry] => [`systemd/system/${target}.wants/${unitName}`, { source }]),
    ...unit.requiredBy.map((target): [string, UnitEtcEntry] => [`systemd/system/${target}.requires/${unitName}`, { source }]),
  ];
}

/** The `environment.etc` entries of all enabled services and timers. */
export function systemdEtcEntries(
  pkgs: MachinePackageSet,
  services: Readonly<Record<string, ServiceConfig>>,
  timers: Readonly<Record<string, TimerConfig>>,
): Record<string, UnitEtcEntry> {
  const entries: [string, UnitEtcEntry][] = [];
  for (const [name, service] of Object.entries(services)) {
    if (!service.enable) continue;
    checkUnitName("services", name);
    entries.push(...unitEntries(pkgs, `${name}.service`, service, serviceUnitText(name, service)));
  }
  for (const [name, timer] of Object.entries(timers)) {
    if (!timer.enable) continue;
    checkUnitName("timers", name);
    entries.push(...unitEntries(pkgs, `${name}.timer`, timer, timerUnitText(name, timer)));
  }
  return Object.fromEntries(entries);
}
