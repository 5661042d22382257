/**
 * V8 flags the program set for the whole process once it started (the
 * `kiln` command keeps V8's young generation at its first size, see
 * `bin/kiln.cjs`), which a worker thread must set again when it starts: V8
 * configures every new isolate's heap from the process-wide flags and,
 * doing so, raises `--semi-space-growth-factor` back to at least 2, for the
 * main thread too. (Nix has no such knob; this only keeps Kiln's peak memory
 * down.)
 *
 * The flags are kept under a global symbol, since the command sets them
 * before any of Kiln's modules is loaded.
 */
import { setFlagsFromString } from "node:v8";

const FLAGS = Symbol.for("kiln.v8Flags");

/** The flags the program asked to keep for the whole process (none unless it set some), for a worker thread to set again. */
export function processV8Flags(): readonly string[] {
  const flags = (globalThis as Record<symbol, unknown>)[FLAGS];
  return Array.isArray(flags) ? flags.filter((flag): flag is string => typeof flag === "string") : [];
}

/** Sets the kept flags again (after a worker thread's isolate was set up, which undid them). */
export function reapplyProcessV8Flags(): void {
  for (const flag of processV8Flags()) setFlagsFromString(flag);
}
