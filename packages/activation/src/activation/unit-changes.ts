/**
 * Which systemd units a switch starts, restarts and stops, read from the
 * unit files the two generations place under `systemd/system/`, as NixOS's
 * `switch-to-configuration` works them out. They are carried out only on
 * the running machine (`--root /`, systemd running, as root); activating
 * into another root only reports them.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { ActivationManifest } from "@kiln/formats";
import { ActivationError } from "./activation-errors.js";

const UNIT_DIRECTORY = "systemd/system/";
const UNIT_FILE = /^[^/]+\.(service|timer|socket|path|target|mount)$/;
const WANTS_LINK = /^systemd\/system\/([^/]+)\.wants\/([^/]+)$/;

/** Units to start (new and wanted), restart (changed) and stop (removed). */
export interface UnitChanges {
  readonly start: readonly string[];
  readonly restart: readonly string[];
  readonly stop: readonly string[];
}

/** The unit files a manifest places, by unit name, with their sources. */
export function manifestUnits(manifest: ActivationManifest | undefined): Map<string, string> {
  const found = new Map<string, string>();
  for (const [path, file] of Object.entries(manifest?.files ?? {})) {
    if (!path.startsWith(UNIT_DIRECTORY)) continue;
    const name = path.slice(UNIT_DIRECTORY.length);
    if (UNIT_FILE.test(name)) found.set(name, file.source);
  }
  return found;
}

/** Whether a managed path is a unit file or a `.wants` link (which the units, not the files, of a diff show). */
export function isUnitEntry(path: string): boolean {
  return (path.startsWith(UNIT_DIRECTORY) && UNIT_FILE.test(path.slice(UNIT_DIRECTORY.length))) || WANTS_LINK.test(path);
}

/** The targets that want each unit (`systemd/system/<target>.wants/<unit>`), by unit name. */
export function wantedBy(manifest: ActivationManifest | undefined): Map<string, string[]> {
  const wanted = new Map<string, string[]>();
  for (const path of Object.keys(manifest?.files ?? {}).sort()) {
    const match = WANTS_LINK.exec(path);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    wanted.set(match[2], [...(wanted.get(match[2]) ?? []), match[1]]);
  }
  return wanted;
}

/** The unit changes from `previous` to `next`. */
export function planUnitChanges(previous: ActivationManifest | undefined, next: ActivationManifest): UnitChanges {
  const before = manifestUnits(previous);
  const after = manifestUnits(next);
  const wanted = wantedBy(next);
  const start: string[] = [];
  const restart: string[] = [];
  for (const [name, source] of after) {
    const old = before.get(name);
    if (old === undefined) {
      if (wanted.has(name)) start.push(name);
    } else if (old !== source) restart.push(name);
  }
  const stop = [...before.keys()].filter((name) => !after.has(name));
  return { start: start.sort(), restart: restart.sort(), stop: stop.sort() };
}

/** Whether this process can drive the machine's systemd. */
export function canManageSystemd(): boolean {
  return existsSync("/run/systemd/system") && process.getuid?.() === 0;
}

function systemctl(args: readonly string[]): void {
  const result = spawnSync("systemctl", args, { encoding: "utf8" });
  if (result.status !== 0) throw new ActivationError(`systemctl ${args.join(" ")} failed: ${(result.stderr || result.stdout || "").trim()}`);
}

/** Stops removed units (before the files change). */
export function stopUnits(changes: UnitChanges): void {
  if (changes.stop.length > 0) systemctl(["stop", ...changes.stop]);
}

/**
 * Early at boot (see `boot-generation.ts`): reloads systemd and queues the
 * new and changed units without waiting for them, as waiting from a unit
 * ordered before `sysinit.target` for units ordered after it would hang the
 * boot. Nothing is stopped: the old generation's units have not started.
 */
export function queueUnits(changes: UnitChanges): void {
  systemctl(["daemon-reload"]);
  const units = [...changes.start, ...changes.restart];
  if (units.length > 0) systemctl(["start", "--no-block", ...units]);
}

/** Reloads systemd and starts and restarts units (after the files changed). */
export function startUnits(changes: UnitChanges): void {
  systemctl(["daemon-reload"]);
  if (changes.restart.length > 0) systemctl(["try-restart", ...changes.restart]);
  if (changes.start.length > 0) systemctl(["start", ...changes.start]);
}
