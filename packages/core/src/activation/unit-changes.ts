/**
 * Which systemd units a switch starts, restarts and stops, read from the
 * unit files the two generations place under `systemd/system/`, as NixOS's
 * `switch-to-configuration` works them out. They are carried out only on
 * the running machine (`--root /`, systemd running, as root); activating
 * into another root only reports them.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { ActivationManifest } from "./activation-manifest.js";
import { ActivationError } from "./activation-errors.js";

const UNIT_DIRECTORY = "systemd/system/";
const UNIT_FILE = /^[^/]+\.(service|timer|socket|path|target|mount)$/;

/** Units to start (new and wanted), restart (changed) and stop (removed). */
export interface UnitChanges {
  readonly start: readonly string[];
  readonly restart: readonly string[];
  readonly stop: readonly string[];
}

function units(manifest: ActivationManifest | undefined): Map<string, string> {
  const found = new Map<string, string>();
  for (const [path, file] of Object.entries(manifest?.files ?? {})) {
    if (!path.startsWith(UNIT_DIRECTORY)) continue;
    const name = path.slice(UNIT_DIRECTORY.length);
    if (UNIT_FILE.test(name)) found.set(name, file.source);
  }
  return found;
}

/** Units some target wants (`systemd/system/<target>.wants/<unit>`): those a switch starts. */
function wantedUnits(manifest: ActivationManifest): Set<string> {
  const wanted = new Set<string>();
  for (const path of Object.keys(manifest.files)) {
    const match = /^systemd\/system\/[^/]+\.wants\/([^/]+)$/.exec(path);
    if (match?.[1] !== undefined) wanted.add(match[1]);
  }
  return wanted;
}

/** The unit changes from `previous` to `next`. */
export function planUnitChanges(previous: ActivationManifest | undefined, next: ActivationManifest): UnitChanges {
  const before = units(previous);
  const after = units(next);
  const wanted = wantedUnits(next);
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

/** Reloads systemd and starts and restarts units (after the files changed). */
export function startUnits(changes: UnitChanges): void {
  systemctl(["daemon-reload"]);
  if (changes.restart.length > 0) systemctl(["try-restart", ...changes.restart]);
  if (changes.start.length > 0) systemctl(["start", ...changes.start]);
}
