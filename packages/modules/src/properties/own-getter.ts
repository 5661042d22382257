/**
 * Whether an attribute of a definition is a getter, asked without making a
 * property descriptor.
 *
 * Definitions may hold JavaScript getters, which stand for Nix's lazy
 * attribute values: the walks of a module's config (pushing properties down,
 * splitting an `attrsOf` definition by attribute, looking for placeholders)
 * must not run them. `Object.getOwnPropertyDescriptor` answers that with a new
 * object for every attribute of every definition, a good part of what an
 * evaluation allocates; the engine's `__lookupGetter__` answers it with the
 * getter itself, allocating nothing.
 */

const lookupGetter = (Object.prototype as unknown as { __lookupGetter__(this: object, name: string): (() => unknown) | undefined }).__lookupGetter__;

/**
 * The getter of `object`'s own attribute `name`, or `undefined` when it is a
 * data attribute. `name` must be an own attribute (one `Object.keys` listed):
 * for a missing one the prototypes would be searched.
 */
export function ownGetter(object: object, name: string): (() => unknown) | undefined {
  return lookupGetter.call(object, name);
}
