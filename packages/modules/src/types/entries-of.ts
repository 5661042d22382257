/**
 * The attributes of a definition value without running its getters: an
 * accessor property becomes a `lazy()` value, so defining
 * `{ get port() { return config.a.port } }` only reads `config.a.port` when
 * this attribute is merged. This is how JavaScript getters stand in for Nix's
 * lazy attribute values.
 */
import { isPlaceholder, lazyRealValue } from "../placeholder/index.js";
import { lazyGetterCall } from "../properties/lazy.js";
import { ownGetter } from "../properties/own-getter.js";

/** The attribute `name` of `value` (listed by `Object.keys`) as a definition value: a getter or a placeholder becomes a `Lazy`. */
export function attributeValue(value: object, name: string): unknown {
  const getter = ownGetter(value, name);
  if (getter !== undefined) return lazyGetterCall(value, getter);
  const attribute: unknown = (value as Record<string, unknown>)[name];
  // A placeholder from a module function's first call: read the real value when merged.
  return isPlaceholder(attribute) ? lazyRealValue(attribute as object) : attribute;
}

/** The own enumerable attributes of `value`; getters are wrapped in {@link Lazy} instead of being called. */
export function entriesOf(value: object): Array<[string, unknown]> {
  const entries: Array<[string, unknown]> = [];
  for (const name of Object.keys(value)) {
    entries.push([name, attributeValue(value, name)]);
  }
  return entries;
}
