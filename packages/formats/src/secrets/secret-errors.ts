/**
 * The errors of secrets: a secret declared wrongly, and age failing to
 * encrypt or decrypt. (A secret used as a string is refused with the error
 * of the place it was used: `DerivationError`, `TypeMismatchError`.)
 */
import { KilnError } from "../errors.js";

/** A `secret()` or `secretTemplate()` declaration is malformed (a bad name, mode or owner). */
export class SecretDeclarationError extends KilnError {
  override name = "SecretDeclarationError";
}

/** The `age` program failed, or is missing: the message names the file, the keys tried and age's own words. */
export class AgeError extends KilnError {
  override name = "AgeError";
}
