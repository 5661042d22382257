# examples/hello/kiln.ts#hello in Nix, for `pnpm bench startup`: the same
# derivation (the same .drv path when Kiln computes paths for /nix/store).
let
  system = builtins.currentSystem;
  greeting = builtins.toFile "greeting.txt" "Built by Kiln from a TypeScript config.\n";
  message = derivation {
    name = "hello-message";
    inherit system;
    builder = "/bin/sh";
    args = [ "-c" "echo \"Hello from Kiln!\" > \"$out\"" ];
  };
in
derivation {
  name = "hello";
  inherit system;
  builder = "/bin/sh";
  args = [ ../../examples/hello/builder.sh ];
  src = ../../examples/hello/src;
  inherit greeting;
  message = "${message}";
}
