# The realise benchmark's graph: node i depends on node i-1 and on node i/10.
# bench/realise/kiln.ts is the same graph in Kiln.
{ n ? 1000, nonce ? "0" }:
let
  mk = i: derivation {
    name = "r-${toString i}";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo $deps > $out" ];
    deps = if i == 0 then "" else "${builtins.elemAt nodes (i - 1)} ${builtins.elemAt nodes (i / 10)}";
    inherit nonce;
  };
  nodes = builtins.genList mk n;
in builtins.elemAt nodes (n - 1)
