/**
 * The two ways NAR handling fails: a tree that cannot be archived (writing),
 * and bytes that are not a NAR Kiln will unpack (reading). They are separate
 * types because the first is a problem with the caller's files and the
 * second with data from elsewhere.
 */
import { KilnError } from "../errors.js";

/** A file tree that cannot be put in a NAR (a socket, a device, an unreadable file). */
export class NarDumpError extends KilnError {
  override name = "NarDumpError";
}

/** Bytes that are not a valid NAR, or a NAR that would unpack to something unsafe. */
export class NarParseError extends KilnError {
  override name = "NarParseError";
}
