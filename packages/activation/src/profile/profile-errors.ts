/** The errors of profiles and their generations. */
import { KilnError } from "@kiln/formats";

/** A generation that does not exist, or that cannot be deleted or rolled back to. */
export class GenerationError extends KilnError {
  override name = "GenerationError";
}
