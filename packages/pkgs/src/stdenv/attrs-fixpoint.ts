/**
 * The fixpoint of a package's attributes: `mkDerivation((finalAttrs) => …)`
 * and each `overrideAttrs((finalAttrs, prevAttrs) => …)` are layers of a
 * {@link LayeredFixpoint}, and `finalAttrs` is what all of them give
 * together, as in nixpkgs.
 *
 * JavaScript evaluates an object literal at once, so a layer cannot read,
 * outside a getter, an attribute it defines itself: write
 * `get src() { return fetchurl({ url: `…${finalAttrs.version}…` }) }`.
 * Reading one defined by another layer works anywhere.
 */
import { LayeredFixpoint, type FixpointLayer } from "../fixpoint.js";

/** One layer: the attributes it sets, given the final and the previous attributes. */
export type AttrsLayer = (finalAttrs: Readonly<Record<string, unknown>>, prevAttrs: Readonly<Record<string, unknown>>) => object;

/**
 * The final attributes of `layers` (the first is mkDerivation's argument,
 * then each overrideAttrs). `finalPackage` gives `finalAttrs.finalPackage`.
 */
export function fixAttrs(layers: readonly AttrsLayer[], finalPackage: () => unknown): Readonly<Record<string, unknown>> {
  const labelled: FixpointLayer[] = layers.map((apply, index) => ({
    apply: apply as FixpointLayer["apply"],
    label: index === 0 ? "mkDerivation's attribute function" : `overrideAttrs #${index}`,
  }));
  return new LayeredFixpoint(labelled, {
    finalName: "finalAttrs",
    prototype: null,
    gettersOnFinal: true,
    fallback: { names: ["finalPackage"], value: finalPackage },
    readOnlyMessage: "finalAttrs and prevAttrs are read-only: return the attributes to change instead",
  }).final as Readonly<Record<string, unknown>>;
}
