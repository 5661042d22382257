# The realise benchmark's graph in Nix; bench/realise/kiln.ts is the same graph in Kiln.
# Node i depends on node i-1 (a chain) and on node i/fanout (shared early dependencies);
# a fresh nonce makes a graph nothing has built.
{ n ? 1000, fanout ? 10, nonce ? "0" }:
let
  mk = i: derivation {
    name = "r-${toString i}";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo $deps > $out" ];
    deps = if i == 0 then "" else "${builtins.elemAt nodes (i - 1)} ${builtins.elemAt nodes (i / fanout)}";
    inherit nonce;
  };
  nodes = builtins.genList mk n;
in builtins.elemAt nodes (n - 1)
