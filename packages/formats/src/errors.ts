/**
 * The root of every error Kiln throws on purpose.
 *
 * Each kind of failure has its own subclass so that callers can tell them
 * apart with `instanceof`; the message always says what to change.
 */
export class KilnError extends Error {
  override name = "KilnError";
}
