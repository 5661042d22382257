/**
 * Where a generation is activated: the directory its managed files go to
 * (`/etc` of a root for a machine, the home directory for a home), the root
 * whose `/etc/passwd` and `/etc/group` hold its accounts, and the state
 * directory that holds its profile and the link to the active generation.
 *
 * A machine activated into `--root DIR` keeps everything inside `DIR`
 * (`DIR/etc`, `DIR/var/lib/kiln`), as `nixos-install --root` does, so a
 * test or an image build never touches the host.
 */
import { join, resolve } from "node:path";
import type { ActivationManifest } from "@kiln/formats";

/** A place to activate generations of one kind. */
export interface ActivationTarget {
  readonly kind: ActivationManifest["kind"];
  /** The root directory (`/` for the running machine); a home's is its home directory. */
  readonly root: string;
  /** Where the manifest's `files` are placed. */
  readonly filesDir: string;
  /** Profile, active-generation link and bookkeeping. */
  readonly stateDir: string;
  /** The profile's name: `system` or `home`. */
  readonly profileName: string;
}

/** The target of a machine activated into `root` (default `/`). */
export function machineTarget(root = "/"): ActivationTarget {
  const absolute = resolve(root);
  return { kind: "machine", root: absolute, filesDir: join(absolute, "etc"), stateDir: join(absolute, "var", "lib", "kiln"), profileName: "system" };
}

/** The target of a home whose directory is `homeDirectory`. */
export function homeTarget(homeDirectory: string): ActivationTarget {
  const absolute = resolve(homeDirectory);
  return { kind: "home", root: absolute, filesDir: absolute, stateDir: join(absolute, ".local", "state", "kiln"), profileName: "home" };
}

/** Whether the target is the running machine itself (services may be started, files chowned). */
export function isLiveMachine(target: ActivationTarget): boolean {
  return target.kind === "machine" && target.root === "/";
}
