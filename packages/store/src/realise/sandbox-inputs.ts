/**
 * Putting a sandboxed build's input closure into its private store. Nix
 * bind-mounts the directories among the inputs and hard-links the rest
 * (files, symlinks) into the chroot's store, since a bind mount costs far
 * more than a link. A bind mount costs bwrap about a quarter of a
 * millisecond, so for a long chain of small outputs (each build's closure
 * holds every earlier one) mounts are most of the sandbox's setup.
 *
 * Kiln copies the small ones instead of linking them: in Kiln's sandbox the
 * build user is, outside the namespace, the store's own user, so it could
 * chmod and rewrite a hard-linked store file. Run as root, Kiln gives the
 * copies to `nobody`, whom the build user cannot act for (as Nix's build
 * users cannot touch root's files): read-only, mtime 1, as in the store.
 * An ordinary user cannot give files away, so there every input stays a
 * read-only bind mount.
 */
import { chmodSync, copyFileSync, lchownSync, lstatSync, lutimesSync, readlinkSync, symlinkSync } from "node:fs";
import { basename, join } from "node:path";

/** Regular-file inputs up to this size are copied into the sandbox's store; larger ones (a source tarball, say) are bind-mounted. */
export const COPIED_INPUT_LIMIT = 64 * 1024;

/** The owner of copied inputs: `nobody`, unmapped in the build's user namespace. */
const COPY_OWNER = 65534;

/**
 * Run as root, copies the small regular files and the symlinks among
 * `inputs` into `chrootStoreDir` (the directory mounted as the sandbox's
 * store) and returns the inputs that must be bind-mounted: directories,
 * large files, and anything that cannot be read here (as another user:
 * all of them).
 */
export function stageSandboxInputs(inputs: Iterable<string>, chrootStoreDir: string): Iterable<string> {
  if (process.getuid?.() !== 0) return inputs;
  const bound: string[] = [];
  for (const input of inputs) {
    let stats;
    try {
      stats = lstatSync(input);
    } catch {
      bound.push(input);
      continue;
    }
    const target = join(chrootStoreDir, basename(input));
    if (stats.isSymbolicLink()) {
      symlinkSync(readlinkSync(input), target);
    } else if (stats.isFile() && stats.size <= COPIED_INPUT_LIMIT) {
      copyFileSync(input, target);
      chmodSync(target, stats.mode & 0o100 ? 0o555 : 0o444);
    } else {
      bound.push(input);
      continue;
    }
    lutimesSync(target, 1, 1);
    lchownSync(target, COPY_OWNER, COPY_OWNER);
  }
  return bound;
}
