/**
 * Priorities: `mkOverride priority content`.
 *
 * Of all definitions of an option only those with the best (numerically
 * lowest) priority count. Plain definitions have priority 100; an option's
 * `default` is a definition at 1500. The named levels below are NixOS's.
 */

/** A definition with an explicit priority. Created by {@link mkOverride} and the named helpers. */
export class MkOverride<out T> {
  /** Nix's `_type = "override"`. */
  readonly _type = "override" as const;
  /** Lower wins. */
  readonly priority: number;
  /** The definition itself. */
  readonly content: T;
  /** Prefer {@link mkOverride}. */
  constructor(priority: number, content: T) {
    this.priority = priority;
    this.content = content;
  }
}

/** Priority of a definition without `mkOverride`. */
export const DEFAULT_OVERRIDE_PRIORITY = 100;
/** Priority of an option's `default` (`mkOptionDefault`). */
export const OPTION_DEFAULT_PRIORITY = 1500;
/** Priority of `mkDefault`. */
export const MK_DEFAULT_PRIORITY = 1000;
/** Priority of `mkImageMediaOverride`. */
export const IMAGE_MEDIA_OVERRIDE_PRIORITY = 60;
/** Priority of `mkForce`. */
export const FORCE_PRIORITY = 50;
/** Priority of `mkVMOverride`. */
export const VM_OVERRIDE_PRIORITY = 10;

/** A definition at `priority` (lower numbers win). */
export function mkOverride<T>(priority: number, content: T): MkOverride<T> {
  return new MkOverride<T>(priority, content);
}

/** A definition that loses to plain definitions but beats option defaults (priority 1000). */
export function mkDefault<T>(content: T): MkOverride<T> {
  return new MkOverride<T>(MK_DEFAULT_PRIORITY, content);
}

/** The priority of an option's `default` (1500); what `mkOption({ default })` uses. */
export function mkOptionDefault<T>(content: T): MkOverride<T> {
  return new MkOverride<T>(OPTION_DEFAULT_PRIORITY, content);
}

/** A definition that beats plain definitions (priority 50). */
export function mkForce<T>(content: T): MkOverride<T> {
  return new MkOverride<T>(FORCE_PRIORITY, content);
}

/** NixOS's priority for VM-specific overrides (10). */
export function mkVMOverride<T>(content: T): MkOverride<T> {
  return new MkOverride<T>(VM_OVERRIDE_PRIORITY, content);
}

/** NixOS's priority for installation-media overrides (60). */
export function mkImageMediaOverride<T>(content: T): MkOverride<T> {
  return new MkOverride<T>(IMAGE_MEDIA_OVERRIDE_PRIORITY, content);
}
