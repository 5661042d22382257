/**
 * The attributes of a definition value without running its getters: an
 * accessor property becomes a `lazy()` value, so defining
 * `{ get port() { return config.a.port } }` only reads `config.a.port` when
 * this attribute is merged. This is how JavaScript getters stand in for Nix's
 * lazy attribute values.
 */
import { isPlaceholder, realValueOfPlaceholder } from "../placeholder/index.js";
import { Lazy } from "../properties/lazy.js";

/** The own enumerable attributes of `value`; getters are wrapped in {@link Lazy} instead of being called. */
export function entriesOf(value: object): Array<[string, unknown]> {
  const entries: Array<[string, unknown]> = [];
  for (const name of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, name);
    if (descriptor === undefined) continue;
    if (descriptor.get !== undefined) {
      const getter = descriptor.get;
      entries.push([name, new Lazy(() => getter.call(value))]);
    } else if (isPlaceholder(descriptor.value)) {
      // A placeholder from a module function's first call: read the real value when merged.
      const placeholder: unknown = descriptor.value;
      entries.push([name, new Lazy(() => realValueOfPlaceholder(placeholder))]);
    } else {
      entries.push([name, descriptor.value]);
    }
  }
  return entries;
}
