/**
 * An option's default that is read only if it wins. Nix never forces a
 * default that a definition overrides; a default computed on reading (such
 * as `mkPackageOption`'s, which looks the package up in `pkgs`) must not be
 * read either, or a package set without that package would fail even where
 * the user set the option. The merge pipeline carries it unread through
 * discharging and priority filtering and reads it after.
 */

/** A default read on demand. */
export class DeferredDefault {
  constructor(private readonly read: () => unknown) {}

  /** The default's value. */
  value(): unknown {
    return this.read();
  }
}

/** `value`, with a {@link DeferredDefault} read. */
export function readDeferredDefault(value: unknown): unknown {
  return value instanceof DeferredDefault ? value.value() : value;
}
