# The pkgs benchmark's package set in Nix: n (2,000) generated packages,
# package i depending on packages i-1 and i/2 through the set, built with
# three overlays over a base, and the top `selected` (95) and 5 bundles
# selected for instantiation.
# bench/pkgs/kiln.ts is the same set in Kiln; both give the same .drv paths.
#
# There is no nixpkgs here, so `fix`, `extends` and `composeManyExtensions`
# are written out with nixpkgs' semantics (lib/fixed-points.nix), and
# `callPackage` is a small one (functionArgs, intersectAttrs, `override`).
{ n ? 2000, selected ? 95 }:
let
  inherit (builtins) filter foldl' functionArgs genList intersectAttrs listToAttrs;

  # The fixpoint of a function of its own result.
  fix = f: let x = f x; in x;

  # `f` with one more overlay on top: the overlay sees the final set and the set before it.
  extends = overlay: f: final: let prev = f final; in prev // overlay final prev;

  # Two overlays as one: the second sees the first's result in its `prev`.
  composeExtensions = first: second: final: prev:
    let
      firstApplied = first final prev;
      prev' = prev // firstApplied;
    in firstApplied // second final prev';

  # Any number of overlays as one, applied in order.
  composeManyExtensions = foldl' composeExtensions (final: prev: { });

  name = i: "pkg_${toString i}";
  range = from: to: if to < from then [ ] else genList (i: from + i) (to - from + 1);

  # The small mkDerivation both sides share: attributes in, a derivation out,
  # with `overrideAttrs` to call it again with some attributes changed.
  mk = attrs@{ pname, version, deps, env }:
    derivation (env // {
      name = "${pname}-${version}";
      system = "x86_64-linux";
      builder = "/bin/sh";
      args = [ "-c" "echo $deps > $out" ];
      inherit deps;
    }) // {
      inherit pname version;
      overrideAttrs = f: mk (attrs // f attrs);
    };

  # A package function as the overlays write them; its dependencies come as `deps`.
  package = pname: { mk, deps }: mk { inherit pname deps; version = "1.0"; env = { }; };

  # What makePkgs gives in Kiln and the overlays use here: callPackage.
  base = final: {
    callPackage = fn: args:
      let result = fn (intersectAttrs (functionArgs fn) final // args);
      in result // { override = newArgs: final.callPackage fn (args // newArgs); };
  };

  # Overlay 1: the generated packages.
  generated = final: prev:
    { inherit mk; }
    // listToAttrs (genList (i: {
      name = name i;
      value = final.callPackage (package (name i)) {
        deps = if i == 0 then [ ] else [ final.${name (i - 1)} final.${name (i / 2)} ];
      };
    }) n);

  # Overlay 2: every 25th package gets a third dependency (`override`),
  # every 10th a patched version and one more variable (`overrideAttrs`).
  patches = final: prev:
    listToAttrs (map (i:
      let
        overridden = if i - i / 25 * 25 == 0 then prev.${name i}.override { deps = [ final.${name (i - 1)} final.${name (i / 2)} final.pkg_3 ]; } else prev.${name i};
      in {
        name = name i;
        value = if i - i / 10 * 10 == 0
          then overridden.overrideAttrs (old: { version = "${old.version}-p1"; env = old.env // { patched = "1"; }; })
          else overridden;
      }) (filter (i: i - i / 10 * 10 == 0 || i - i / 25 * 25 == 0) (range 1 (n - 1))));

  # Overlay 3: five bundles on top, a new seed for the first package (which
  # every other package depends on) and other dependencies for one more.
  finishing = final: prev:
    listToAttrs (genList (k: {
      name = "bundle_${toString k}";
      value = final.callPackage (package "bundle_${toString k}") { deps = [ final.${name (n - 1 - k)} final.${name k} ]; };
    }) 5)
    // {
      pkg_0 = prev.pkg_0.overrideAttrs (old: { env = old.env // { seed = "3"; }; });
      ${name (n - 7)} = prev.${name (n - 7)}.override { deps = [ final.${name (n - 8)} final.${name (n / 3)} ]; };
    };

  pkgs = fix (extends (composeManyExtensions [ generated patches finishing ]) base);

  # The top `selected` generated packages and the bundles.
  selectedNames = map name (range (if n > selected then n - selected else 0) (n - 1)) ++ genList (k: "bundle_${toString k}") 5;
in
listToAttrs (map (attribute: { name = attribute; value = pkgs.${attribute}; }) selectedNames)
