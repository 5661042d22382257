/**
 * The errors of activating a generation. A failed activation has already
 * put the previous generation's files and accounts back when one of these
 * reaches the caller, and the message says what failed and why.
 */
import { KilnError } from "@kiln/formats";

/** A store path is not a toplevel or activation package, or its manifest is malformed. */
export class ActivationManifestError extends KilnError {
  override name = "ActivationManifestError";
}

/** Activation failed; the target was restored to what was active before. */
export class ActivationError extends KilnError {
  override name = "ActivationError";
}

/** A file Kiln must place is in the way and cannot be moved aside without losing something. */
export class ActivationConflictError extends KilnError {
  override name = "ActivationConflictError";
}

/** A line of the root's `/etc/passwd`, `/etc/group` or `/etc/shadow` is malformed; nothing was changed. */
export class AccountFileError extends KilnError {
  override name = "AccountFileError";
}

/** A path activation would write (a home, a managed file) is outside the root it activates into; nothing was changed. */
export class ActivationPathError extends KilnError {
  override name = "ActivationPathError";
}
