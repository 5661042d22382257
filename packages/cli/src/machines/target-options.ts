/**
 * The options that say where generations live and are activated, shared by
 * `kiln switch`, `rollback`, `generations`, `diff` and `gc`: `--root DIR`
 * (a machine activated into a directory tree instead of `/`; for a home,
 * the home directory) and `--home` (the home profile instead of the
 * machine's).
 */
import { homedir } from "node:os";
import { homeTarget, machineTarget, type ActivationTarget } from "@kiln/core";
import { flag, text } from "../settings/typed-option.js";

/** `--root DIR`. */
export const ROOT_OPTION = text("root", {
  value: "DIR",
  description: "Activate into DIR instead of / (a machine's /etc becomes DIR/etc; for a home, DIR is the home directory)",
});

/** `--root DIR`, for commands that only read or prune the generations activated there. */
export const PROFILE_ROOT_OPTION = text("root", {
  value: "DIR",
  description: "The generations of the machine activated into DIR (see 'kiln switch --root') instead of /; with --home, of the home directory DIR",
});

/** `--home`, for commands that read an existing profile. */
export const HOME_FLAG = flag("home", { description: "The home profile (of --root, else of $HOME) instead of the machine's" });

/** The target named by `--root` for a machine, or for a home (`homeDirectory` from its configuration when no `--root`). */
export function targetFor(settings: { readonly root: string | undefined }, kind: "machine" | "home", homeDirectory?: string): ActivationTarget {
  if (kind === "machine") return machineTarget(settings.root ?? "/");
  return homeTarget(settings.root ?? homeDirectory ?? homedir());
}

/** The target of commands that take the `--home` flag. */
export function flaggedTarget(settings: { readonly root: string | undefined; readonly home: boolean }): ActivationTarget {
  return targetFor(settings, settings.home ? "home" : "machine");
}
