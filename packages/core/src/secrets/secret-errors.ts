/**
 * The errors of secrets: a secret declared wrongly, a secret used where its
 * value would reach the store, and age failing to encrypt or decrypt.
 */
import { KilnError } from "../errors.js";

/** A `secret()` or `secretTemplate()` declaration is malformed (a bad name, mode or owner). */
export class SecretDeclarationError extends KilnError {
  override name = "SecretDeclarationError";
}

/**
 * A {@link Secret} was passed where a string is expected (a derivation
 * attribute, a `str` option): its value would land in the world-readable
 * store, so it is refused; the message says to use its path or a template.
 */
export class SecretAsStringError extends KilnError {
  override name = "SecretAsStringError";
}

/** The `age` program failed, or is missing: the message names the file, the keys tried and age's own words. */
export class AgeError extends KilnError {
  override name = "AgeError";
}
