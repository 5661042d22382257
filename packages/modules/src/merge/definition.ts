/**
 * A definition: a value a module assigned to an option, with the file it
 * came from. Raw definitions may still be wrapped in properties (`mkIf`,
 * `mkMerge`, `mkOverride`, `mkOrder`, `lazy`); the merge pipeline peels them.
 */

/** A value a module gave an option, with the module's file. */
export interface Definition {
  /** The module file (with line) that made the definition. */
  readonly file: string;
  /** The value as written, possibly wrapped in properties. */
  readonly value: unknown;
}
