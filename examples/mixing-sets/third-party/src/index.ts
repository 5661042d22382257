/**
 * A third-party package set, as another team would publish it: an overlay
 * that adds its packages to whatever set the user applies it to. Its
 * packages take their dependencies from `final`, so they use the user's
 * choices (here, the user's GNU hello).
 */
import type { Package, PackageSet } from "@kiln/pkgs";

/** What the overlay needs from the set it is applied to. */
interface WithHello extends PackageSet {
  readonly hello: Package;
}

/** Acme's tools, as an overlay: `pkgs.extend(acmeOverlay)`. */
export const acmeOverlay = (final: WithHello) => ({
  /** Prints the message of the day with GNU hello. */
  get motd(): Package {
    return final.writeShellApplication({
      name: "motd",
      runtimeInputs: [final.hello],
      text: 'hello --greeting="Welcome to Acme${1:+, $1}."',
      meta: { description: "Acme's message of the day" },
    });
  },
});
