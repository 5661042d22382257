/**
 * The two ways carrying paths between stores fails: a path that cannot be
 * exported (not valid, or its files changed since it was registered), and
 * an export stream that cannot be imported (truncated, corrupt, or naming
 * paths this store cannot take). Separate types, because the first is a
 * problem of this store and the second of data from elsewhere.
 */
import { KilnError } from "@kiln/formats";

/** A path that cannot be exported; the message names it and says why. */
export class ExportError extends KilnError {
  override name = "ExportError";
}

/**
 * An export stream that cannot be imported. Nothing of it was registered;
 * the message names the path at fault (or, inside a NAR, whose path comes
 * only after it, the path before it and the NAR's place in the stream).
 */
export class ImportError extends KilnError {
  override name = "ImportError";

  constructor(
    message: string,
    /** The store path being imported when it failed, when known. */
    readonly path?: string,
  ) {
    super(message);
  }
}
