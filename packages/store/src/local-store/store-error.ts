/**
 * The error of a store operation that cannot be done, in a file of its own
 * so that code which only reads a store need not load the whole store.
 */
import { KilnError } from "@kiln/formats";

/** A store operation that cannot be done; the message says why. */
export class StoreError extends KilnError {
  override name = "StoreError";
}
