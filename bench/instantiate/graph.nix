# The instantiate benchmark's graph: node i depends on nodes i-1 and i/2.
# bench/instantiate/kiln.ts is the same graph in Kiln; both give the same .drv paths.
{ n ? 10000 }:
let
  mk = i: derivation {
    name = "node-${toString i}";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo $deps > $out" ];
    deps = if i == 0 then "" else "${builtins.elemAt nodes (i - 1)} ${builtins.elemAt nodes (i / 2)}";
  };
  nodes = builtins.genList mk n;
in builtins.elemAt nodes (n - 1)
