/**
 * Ordering: `mkOrder priority content`. For types whose merge depends on
 * definition order (lists, `lines`), definitions are stably sorted by this
 * number first; plain definitions have 1000, `mkBefore` 500, `mkAfter` 1500.
 */

/** A definition with an explicit position. Created by {@link mkOrder}, {@link mkBefore}, {@link mkAfter}. */
export class MkOrder<out T> {
  /** Nix's `_type = "order"`. */
  readonly _type = "order" as const;
  /** Lower sorts first. */
  readonly priority: number;
  /** The definition itself. */
  readonly content: T;
  /** Prefer {@link mkOrder}. */
  constructor(priority: number, content: T) {
    this.priority = priority;
    this.content = content;
  }
}

/** Order of a definition without `mkOrder`. */
export const DEFAULT_ORDER_PRIORITY = 1000;

/** A definition placed at `priority` when definitions are concatenated (lower first). */
export function mkOrder<T>(priority: number, content: T): MkOrder<T> {
  return new MkOrder<T>(priority, content);
}

/** A definition placed before plain ones (order 500). */
export function mkBefore<T>(content: T): MkOrder<T> {
  return new MkOrder<T>(500, content);
}

/** A definition placed after plain ones (order 1500). */
export function mkAfter<T>(content: T): MkOrder<T> {
  return new MkOrder<T>(1500, content);
}
