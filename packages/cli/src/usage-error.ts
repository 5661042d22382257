import { KilnError } from "@kiln/core";

/** A command line that does not fit the command; the message says how to call it. */
export class UsageError extends KilnError {
  override name = "UsageError";
}
