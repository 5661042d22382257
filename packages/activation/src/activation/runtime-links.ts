/**
 * Run-time links: symlinks below the root's `/run` to store paths of the
 * generation, such as `/run/opengl-driver` (the graphics drivers), made on
 * every activation as NixOS makes `/run/current-system` and
 * `/run/opengl-driver` (`ln -sfn` in its activation script, now tmpfiles'
 * `L+`).
 *
 * They live in `/run` because `/run` is emptied at boot, so a machine that
 * boots an older generation never sees a newer one's drivers; the boot
 * activation makes them again. Each link is replaced by renaming a new
 * symlink over it, so a program starting meanwhile sees the old target or the
 * new one, never none. A link the previous generation had and the new one
 * lacks is removed (rollback to a generation without it), and a failed
 * activation puts the previous links back. The targets are named in the
 * manifest, hence references of the toplevel: the generation keeps them
 * from the garbage collector. An activation killed half-way may leave its
 * new links; the journal lists them with their targets, so the next
 * activation sets its own over them and removes one its generation lacks,
 * as long as it still points where the killed activation put it (a link
 * someone pointed elsewhere since is theirs).
 */
import { lstatSync, mkdirSync, readlinkSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { replaceSymlinkAtomically, type ActivationManifest } from "@kiln/formats";
import { ActivationConflictError } from "./activation-errors.js";
import type { ActivationTarget } from "./activation-target.js";
import { byPath } from "../profile/managed-files-diff.js";

/** A link to change: its absolute path on the machine (`/run/opengl-driver`), and its target, or `undefined` to remove it. */
export interface RuntimeLinkChange {
  readonly path: string;
  readonly target: string | undefined;
  /** For a removal: remove the link only while it points to one of these (a link an interrupted activation may have made). */
  readonly onlyIfTo?: readonly string[];
}

/**
 * The links to set or remove to go from `previous`'s run-time links to
 * `next`'s; `interrupted` are the links an unfinished activation may have
 * made (from its journal), removed if `next` lacks them and they still point
 * where it put them.
 */
export function planRuntimeLinks(
  previous: Pick<ActivationManifest, "runtimeLinks"> | undefined,
  next: Pick<ActivationManifest, "runtimeLinks">,
  interrupted: Readonly<Record<string, readonly string[]>> = {},
): RuntimeLinkChange[] {
  const wanted = next.runtimeLinks ?? {};
  const had = previous?.runtimeLinks ?? {};
  const changes: RuntimeLinkChange[] = Object.entries(wanted).map(([path, target]) => ({ path, target }));
  for (const path of Object.keys(had)) if (!(path in wanted)) changes.push({ path, target: undefined });
  for (const [path, targets] of Object.entries(interrupted)) if (!(path in wanted) && !(path in had)) changes.push({ path, target: undefined, onlyIfTo: targets });
  return changes.sort(byPath);
}

function linkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `changes` without the removals of links an interrupted activation made
 * that point elsewhere now (or are gone): those are not Kiln's to remove, nor
 * to report as removed.
 */
export function withoutOthersLinks(target: ActivationTarget, changes: readonly RuntimeLinkChange[]): RuntimeLinkChange[] {
  return changes.filter((change) => {
    if (change.onlyIfTo === undefined) return true;
    const current = linkTarget(join(target.root, change.path));
    return current !== undefined && change.onlyIfTo.includes(current);
  });
}

/**
 * Fails, before anything changes, when something other than a symlink is
 * where a link goes (a directory or file someone made): it is not Kiln's to
 * replace.
 */
export function checkRuntimeLinks(target: ActivationTarget, changes: readonly RuntimeLinkChange[]): void {
  for (const change of changes) {
    const path = join(target.root, change.path);
    let isOther: boolean;
    try {
      isOther = !lstatSync(path).isSymbolicLink();
    } catch {
      isOther = false;
    }
    if (change.target !== undefined && isOther) {
      throw new ActivationConflictError(`${path} is in the way of the link to ${change.target}: it is not a symlink, so it is not Kiln's to replace; nothing was changed (move it away and activate again)`);
    }
  }
}

/**
 * Applies `changes` inside the target's root: each link is replaced by
 * renaming a new symlink over it; a link to remove is removed only when it
 * is a symlink (a directory someone made there is left alone).
 */
export function applyRuntimeLinks(target: ActivationTarget, changes: readonly RuntimeLinkChange[]): void {
  for (const change of changes) {
    const path = join(target.root, change.path);
    if (change.target === undefined) {
      const current = linkTarget(path);
      if (current !== undefined && (change.onlyIfTo === undefined || change.onlyIfTo.includes(current))) rmSync(path, { force: true });
      continue;
    }
    if (linkTarget(path) === change.target) continue;
    mkdirSync(dirname(path), { recursive: true });
    replaceSymlinkAtomically(path, change.target);
  }
}
