# The modules benchmark's configuration for Nix: the same modules as
# kiln.ts builds, evaluated by nixpkgs' lib.evalModules. Prints the merged
# values of every generated option as JSON.
{ lib, n ? 2000 }:
let
  inherit (lib) mkOption mkEnableOption mkIf mkMerge mkDefault mkForce mkOverride types genList;
  name = i: "m${toString i}";
  at = i: name (lib.mod i n);
  declare = i: {
    options.${name i} = {
      enable = mkEnableOption "module ${toString i}";
      name = mkOption { type = types.str; default = ""; };
      port = mkOption { type = types.port; default = 80; };
      tags = mkOption { type = types.listOf types.str; default = [ ]; };
      settings = mkOption { type = types.attrsOf types.str; default = { }; };
      users = mkOption {
        type = types.attrsOf (types.submodule {
          options = {
            uid = mkOption { type = types.int; };
            shell = mkOption { type = types.str; default = "/bin/bash"; };
          };
        });
        default = { };
      };
      o6 = mkOption { type = types.int; default = 0; };
      o7 = mkOption { type = types.int; default = 0; };
      o8 = mkOption { type = types.int; default = 0; };
      o9 = mkOption { type = types.int; default = 0; };
    };
  };
  define = i: { config, ... }: {
    config = mkMerge ([
      { ${name i}.enable = mkDefault (lib.mod i 3 != 0); }
      { ${name i}.name = "module-${toString i}"; }
      { ${at (i + 1)}.settings.${"s${toString i}"} = "v${toString i}"; }
      { ${at (i + 2)}.users.${"u${toString i}"} = { uid = i; }; }
      { ${at (i + 2)}.users.${"u${toString i}"}.shell = mkForce "/bin/sh"; }
      (mkIf config.${at (i + 5)}.enable { ${name i} = { o6 = i; o7 = i * 2; }; })
      { ${name i}.o8 = mkDefault 1; }
      { ${name i}.o8 = 2; }
      { ${name i}.o9 = mkOverride 900 i; }
    ]
    ++ genList (k: { ${at (i + k + 1)}.tags = [ "t${toString i}-${toString (k + 1)}" ]; }) 3
    ++ genList (k: { ${at (i + k + 1)}.settings.${"x${toString i}_${toString (k + 1)}"} = "w"; }) 12);
  };
  evaluated = lib.evalModules { modules = genList declare n ++ genList define n; };
in
builtins.toJSON (builtins.listToAttrs (genList (i: { name = name i; value = evaluated.config.${name i}; }) n))
