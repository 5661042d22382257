/**
 * The errors of `@kiln/debian`, one class per kind of failure, each with a
 * message that says what to do about it (as Kiln's other errors do).
 */
import { KilnError } from "@kiln/formats";

/** No Debian mirror is known: neither `KILN_DEBIAN_MIRRORS` nor the host's apt sources name one. */
export class DebianMirrorError extends KilnError {
  override name = "DebianMirrorError";
}

/** A suite's `InRelease` could not be verified (bad signature, unknown key, or `gpgv` missing). */
export class DebianSignatureError extends KilnError {
  override name = "DebianSignatureError";
}

/** A `Release`, `Packages` or `.deb` file is malformed, or does not match the hash that pins it. */
export class DebianArchiveError extends KilnError {
  override name = "DebianArchiveError";
}

/** `kiln.lock` cannot be read: it is not the JSON Kiln writes. */
export class DebianLockError extends KilnError {
  override name = "DebianLockError";
}

/** A package name the locked index does not have, or a dependency nothing in the index satisfies. */
export class DebianResolveError extends KilnError {
  override name = "DebianResolveError";
}

/** `debian({...})` was called with options that cannot work. */
export class DebianInputError extends KilnError {
  override name = "DebianInputError";
}

/** A virtual machine of a Debian system cannot be assembled: a package lacks what the guest needs (a kernel module, busybox, systemd). */
export class DebianVmError extends KilnError {
  override name = "DebianVmError";
}
