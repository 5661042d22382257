/**
 * Errors of fetching: a download that failed (after its retries), and a
 * fetcher called with arguments that cannot work.
 */
import { KilnError } from "../errors.js";

/** A download failed: every URL (and hashed mirror) was tried. */
export class FetchError extends KilnError {
  override name = "FetchError";

  constructor(
    message: string,
    /** The URL that failed (the first, when several were tried). */
    readonly url: string,
    /** Whether trying again may help (a timeout, a 5xx answer, a dropped connection). */
    readonly transient: boolean = false,
  ) {
    super(message);
  }
}

/** A fetcher was called with missing, conflicting or malformed arguments. */
export class FetcherArgumentError extends KilnError {
  override name = "FetcherArgumentError";
}
