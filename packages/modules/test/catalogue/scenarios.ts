/**
 * The module-system catalogue: scenarios written twice, as a Nix expression
 * for nixpkgs' `lib` and as the same modules for Kiln. `catalogue.test.ts`
 * compares Kiln's result with the one real Nix gave (recorded in
 * `expected.json`, see `record.sh`), on the value or on the error text.
 *
 * In a Nix expression `lib`, `types` and `mkOption` are in scope; it must
 * evaluate to JSON data. A Kiln scenario returns the same data or throws.
 */
import {
  assertionsModule,
  evalModules,
  literalExpression,
  literalMD,
  mkAssert,
  mkChangedOptionModule,
  mkIf,
  mkOption,
  mkAliasOptionModule,
  mkRemovedOptionModule,
  mkRenamedOptionModule,
  types,
} from "../../src/index.js";

/** One scenario of the catalogue. */
export interface Scenario {
  /** Unique name, the key in `expected.json`. */
  readonly name: string;
  /** The Nix expression (see the file comment). */
  readonly nix: string;
  /** Kiln's side: returns the value or throws the error. */
  readonly kiln: () => unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Untyped = any;

/** `evalModules({ modules }).config`, untyped. */
function configOf(modules: readonly unknown[], extra: { readonly class?: string } = {}): Untyped {
  return evalModules({ modules, ...extra }).config;
}

const warningsOptions = `{ options.warnings = mkOption { type = types.listOf types.str; default = [ ]; }; }`;

export const scenarios: readonly Scenario[] = [
  // evalModules declares neither assertions nor warnings.
  {
    name: "evalModules declares no assertions or warnings",
    nix: `builtins.attrNames (lib.evalModules { modules = [ { options.a = mkOption { type = types.int; default = 1; }; } ]; }).config`,
    kiln: () => Object.keys(configOf([{ options: { a: mkOption({ type: types.int, default: 1 }) } }])),
  },
  {
    name: "a module may declare assertions and warnings itself",
    nix: `(lib.evalModules { modules = [ { options.assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; }; options.warnings = mkOption { type = types.listOf types.str; default = [ ]; }; } { warnings = [ "w" ]; } ]; }).config.warnings`,
    kiln: () =>
      configOf([{ options: { assertions: mkOption({ type: types.listOf(types.unspecified), default: [] }), warnings: mkOption({ type: types.listOf(types.str), default: [] }) } }, { warnings: ["w"] }])
        .warnings,
  },
  {
    name: "defining warnings without a declaration is an undeclared option",
    nix: `(lib.evalModules { modules = [ { options.a = mkOption { default = 1; }; } { warnings = [ "w" ]; } ]; }).config.a`,
    kiln: () => configOf([{ options: { a: mkOption({ default: 1 }) } }, { warnings: ["w"] }]).a,
  },
  // Renames.
  {
    name: "mkRenamedOptionModule: reading the old path gives the new value",
    nix: `(lib.evalModules { modules = [ (lib.mkRenamedOptionModule [ "old" ] [ "new" ]) { options.new = mkOption { type = types.int; }; } { old = 3; } ]; }).config.old`,
    kiln: () => configOf([mkRenamedOptionModule(["old"], ["new"]), { options: { new: mkOption({ type: types.int }) } }, { old: 3 }]).old,
  },
  {
    name: "mkRenamedOptionModule: definitions of the old path set the new one, without warnings option",
    nix: `(lib.evalModules { modules = [ (lib.mkRenamedOptionModule [ "old" ] [ "new" ]) { options.new = mkOption { type = types.int; }; } { old = 3; } ]; }).config.new`,
    kiln: () => configOf([mkRenamedOptionModule(["old"], ["new"]), { options: { new: mkOption({ type: types.int }) } }, { old: 3 }]).new,
  },
  {
    name: "mkRenamedOptionModule: the warning names the file",
    nix: `(lib.evalModules { modules = [ ${warningsOptions} (lib.mkRenamedOptionModule [ "old" ] [ "new" ]) { options.new = mkOption { type = types.int; }; } { _file = "old.nix"; old = 3; } ]; }).config.warnings`,
    kiln: () =>
      configOf([{ options: { warnings: mkOption({ type: types.listOf(types.str), default: [] }) } }, mkRenamedOptionModule(["old"], ["new"]), { options: { new: mkOption({ type: types.int }) } }, { _file: "old.nix", old: 3 }]).warnings,
  },
  {
    name: "mkChangedOptionModule without a warnings option fails",
    nix: `(lib.evalModules { modules = [ (lib.mkChangedOptionModule [ "a" ] [ "b" ] (config: config.a + 1)) { options.b = mkOption { type = types.int; }; } { a = 3; } ]; }).config.b`,
    kiln: () => configOf([mkChangedOptionModule(["a"], ["b"], (config: Untyped) => config.a + 1), { options: { b: mkOption({ type: types.int }) } }, { a: 3 }]).b,
  },
  {
    name: "mkChangedOptionModule computes the new value and warns",
    nix: `(lib.evalModules { modules = [ ${warningsOptions} (lib.mkChangedOptionModule [ "a" ] [ "b" ] (config: config.a + 1)) { options.b = mkOption { type = types.int; }; } { _file = "a.nix"; a = 3; } ]; }).config`,
    kiln: () => {
      const config = configOf([
        { options: { warnings: mkOption({ type: types.listOf(types.str), default: [] }) } },
        mkChangedOptionModule(["a"], ["b"], (config: Untyped) => config.a + 1),
        { options: { b: mkOption({ type: types.int }) } },
        { _file: "a.nix", a: 3 },
      ]);
      return { a: config.a, b: config.b, warnings: config.warnings };
    },
  },
  // literalExpression, literalMD, mkAssert.
  {
    name: "literalExpression and literalMD are { _type, text }",
    nix: `[ (lib.literalExpression "pkgs.hello") (lib.literalMD "*hi*") ]`,
    kiln: () => [literalExpression("pkgs.hello"), literalMD("*hi*")].map((literal) => ({ _type: literal.kind, text: literal.text })),
  },
  {
    name: "literalExpression refuses a non-string",
    nix: `lib.literalExpression 3`,
    kiln: () => literalExpression(3 as unknown as string),
  },
  {
    name: "mkAssert with a true assertion defines the value",
    nix: `(lib.evalModules { modules = [ { options.a = mkOption { type = types.int; }; } { a = lib.mkAssert true "unused" 5; } ]; }).config.a`,
    kiln: () => configOf([{ options: { a: mkOption({ type: types.int }) } }, { a: mkAssert(true, "unused", 5) }]).a,
  },
  {
    name: "mkAssert with a false assertion fails with its message",
    nix: `(lib.evalModules { modules = [ { options.a = mkOption { type = types.int; }; } { a = lib.mkAssert false "a must be set elsewhere" 5; } ]; }).config.a`,
    kiln: () => configOf([{ options: { a: mkOption({ type: types.int }) } }, { a: mkAssert(false, "a must be set elsewhere", 5) }]).a,
  },
  // emptyValue.
  {
    name: "undefined list, attrsOf, lazyAttrsOf, nullOr and submodule options read as empty",
    nix: `(lib.evalModules { modules = [ { options = { l = mkOption { type = types.listOf types.int; }; a = mkOption { type = types.attrsOf types.int; }; z = mkOption { type = types.lazyAttrsOf types.int; }; n = mkOption { type = types.nullOr types.int; }; s = mkOption { type = types.submodule { options.x = mkOption { default = 1; }; }; }; }; } ]; }).config`,
    kiln: () => {
      const config = configOf([
        {
          options: {
            l: mkOption({ type: types.listOf(types.int) }),
            a: mkOption({ type: types.attrsOf(types.int) }),
            z: mkOption({ type: types.lazyAttrsOf(types.int) }),
            n: mkOption({ type: types.nullOr(types.int) }),
            s: mkOption({ type: types.submodule({ options: { x: mkOption({ default: 1 }) } }) }),
          },
        },
      ]);
      return { l: config.l, a: config.a, z: config.z, n: config.n, s: { x: config.s.x } };
    },
  },
  {
    name: "an undefined int option has no value",
    nix: `(lib.evalModules { modules = [ { options.a = mkOption { type = types.int; }; } ]; }).config.a`,
    kiln: () => configOf([{ options: { a: mkOption({ type: types.int }) } }]).a,
  },
  {
    name: "an undefined non-empty list has no value",
    nix: `(lib.evalModules { modules = [ { options.a = mkOption { type = types.nonEmptyListOf types.int; }; } ]; }).config.a`,
    kiln: () => configOf([{ options: { a: mkOption({ type: types.nonEmptyListOf(types.int) }) } }]).a,
  },
  {
    name: "a lazyAttrsOf key defined only under mkIf false stays, as the element's empty value",
    nix: `(lib.evalModules { modules = [ { options.a = mkOption { type = types.lazyAttrsOf (types.listOf types.int); }; } { a.x = lib.mkIf false [ 1 ]; a.y = [ 2 ]; } ]; }).config.a`,
    kiln: () => ({ ...configOf([{ options: { a: mkOption({ type: types.lazyAttrsOf(types.listOf(types.int)) }) } }, { a: { x: mkIf(false, [1]), y: [2] } }]).a }),
  },
  {
    name: "an attrsOf key defined only under mkIf false is left out",
    nix: `(lib.evalModules { modules = [ { options.a = mkOption { type = types.attrsOf (types.listOf types.int); }; } { a.x = lib.mkIf false [ 1 ]; a.y = [ 2 ]; } ]; }).config.a`,
    kiln: () => ({ ...configOf([{ options: { a: mkOption({ type: types.attrsOf(types.listOf(types.int)) }) } }, { a: { x: mkIf(false, [1]), y: [2] } }]).a }),
  },
  {
    name: "a lazyAttrsOf int key under mkIf false has no value",
    nix: `(lib.evalModules { modules = [ { options.a = mkOption { type = types.lazyAttrsOf types.int; }; } { a.x = lib.mkIf false 1; } ]; }).config.a.x`,
    kiln: () => configOf([{ options: { a: mkOption({ type: types.lazyAttrsOf(types.int) }) } }, { a: { x: mkIf(false, 1) } }]).a.x,
  },
  // deferredModule inside submoduleWith.
  {
    name: "a deferredModule option's value used as a submodule's module",
    nix: `(lib.evalModules { modules = [ ({ config, ... }: { options.m = mkOption { type = types.deferredModule; }; options.s = mkOption { type = types.submoduleWith { modules = [ config.m ]; }; default = { }; }; }) { m = { options.x = mkOption { type = types.int; default = 7; }; }; } { m = { x = 8; }; } ]; }).config.s.x`,
    kiln: () =>
      configOf([
        ({ config }: Untyped) => ({ options: { m: mkOption({ type: types.deferredModule }), s: mkOption({ type: types.submoduleWith({ modules: [config.m] }), default: {} }) } }),
        { m: { options: { x: mkOption({ type: types.int, default: 7 }) } } },
        { m: { x: 8 } },
      ]).s.x,
  },
  // _class and class.
  {
    name: "a module of another class is refused",
    nix: `(lib.evalModules { class = "nixos"; modules = [ { _file = "darwin.nix"; _class = "darwin"; } ]; }).config`,
    kiln: () => Object.keys(configOf([{ _file: "darwin.nix", _class: "darwin" }], { class: "nixos" })),
  },
  {
    name: "a module of the same class, or of none, is accepted, and _class is a module argument",
    nix: `(lib.evalModules { class = "nixos"; modules = [ { _class = "nixos"; options.a = mkOption { default = 1; }; } ({ _class, ... }: { options.c = mkOption { default = _class; }; }) ]; }).config`,
    kiln: () => ({ ...configOf([{ _class: "nixos", options: { a: mkOption({ default: 1 }) } }, ({ _class }: Untyped) => ({ options: { c: mkOption({ default: _class }) } })], { class: "nixos" }) }),
  },
  {
    name: "mkRemovedOptionModule fails an assertion naming the file",
    nix: `(lib.evalModules { modules = [ { options.assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; }; } (lib.mkRemovedOptionModule [ "gone" ] "Use other instead.") { _file = "old.nix"; gone = 1; } ]; }).config.assertions`,
    kiln: () => configOf([{ options: { assertions: mkOption({ type: types.listOf(types.unspecified), default: [] }) } }, mkRemovedOptionModule(["gone"], "Use other instead."), { _file: "old.nix", gone: 1 }]).assertions,
  },
  {
    name: "mkAliasOptionModule forwards without a warning",
    nix: `(lib.evalModules { modules = [ ${warningsOptions} (lib.mkAliasOptionModule [ "alias" ] [ "real" ]) { options.real = mkOption { type = types.listOf types.int; }; } { alias = [ 1 ]; real = [ 2 ]; } ]; }).config`,
    kiln: () => {
      const config = configOf([{ options: { warnings: mkOption({ type: types.listOf(types.str), default: [] }) } }, mkAliasOptionModule(["alias"], ["real"]), { options: { real: mkOption({ type: types.listOf(types.int) }) } }, { alias: [1], real: [2] }]);
      return { alias: config.alias, real: config.real, warnings: config.warnings };
    },
  },
  {
    name: "submoduleWith with a class refuses a module of another class",
    nix: `(lib.evalModules { modules = [ { options.s = mkOption { type = types.submoduleWith { class = "inner"; modules = [ ]; }; }; } { s = { _file = "other.nix"; _class = "outer"; }; } ]; }).config.s`,
    kiln: () => configOf([{ options: { s: mkOption({ type: types.submoduleWith({ class: "inner", modules: [] }) }) } }, { s: { _file: "other.nix", _class: "outer" } }]).s,
  },
  // Types.
  {
    name: "boolByOr merges with or",
    nix: `(lib.evalModules { modules = [ { options.a = mkOption { type = types.boolByOr; }; options.b = mkOption { type = types.boolByOr; }; } { a = false; b = false; } { a = true; b = false; } ]; }).config`,
    kiln: () => ({ ...configOf([{ options: { a: mkOption({ type: types.boolByOr }), b: mkOption({ type: types.boolByOr }) } }, { a: false, b: false }, { a: true, b: false }]) }),
  },
  {
    name: "pathInStore accepts a store path and below",
    nix: `(lib.evalModules { modules = [ { options.p = mkOption { type = types.pathInStore; }; } { p = "/nix/store/00000000000000000000000000000000-x/bin/x"; } ]; }).config.p`,
    kiln: () => configOf([{ options: { p: mkOption({ type: types.pathInStore }) } }, { p: "/nix/store/00000000000000000000000000000000-x/bin/x" }]).p,
  },
  {
    name: "pathInStore refuses a path outside the store",
    nix: `(lib.evalModules { modules = [ { options.p = mkOption { type = types.pathInStore; }; } { p = "/etc/x"; } ]; }).config.p`,
    kiln: () => configOf([{ options: { p: mkOption({ type: types.pathInStore }) } }, { p: "/etc/x" }]).p,
  },
  {
    name: "pathWith descriptions",
    nix: `map (t: t.description) [ (types.pathWith { }) (types.pathWith { absolute = true; }) (types.pathWith { absolute = false; }) (types.pathWith { inStore = false; }) (types.pathWith { absolute = true; inStore = true; }) types.externalPath ]`,
    kiln: () => [types.pathWith({}), types.pathWith({ absolute: true }), types.pathWith({ absolute: false }), types.pathWith({ inStore: false }), types.pathWith({ absolute: true, inStore: true }), types.externalPath].map((type) => type.description),
  },
  {
    name: "pathWith refuses inStore without absolute",
    nix: `(types.pathWith { inStore = true; absolute = false; }).description`,
    kiln: () => types.pathWith({ inStore: true, absolute: false }).description,
  },
  {
    name: "pathWith relative refuses an absolute path",
    nix: `(lib.evalModules { modules = [ { options.p = mkOption { type = types.pathWith { absolute = false; }; }; } { p = "/etc/x"; } ]; }).config.p`,
    kiln: () => configOf([{ options: { p: mkOption({ type: types.pathWith({ absolute: false }) }) } }, { p: "/etc/x" }]).p,
  },
  {
    name: "attrsWith: lazy, with a placeholder in documentation",
    nix: `let t = types.attrsWith { elemType = types.submodule { options.x = mkOption { type = types.int; default = 1; }; }; lazy = true; placeholder = "user"; }; in { description = t.description; name = t.name; sub = (t.getSubOptions [ "users" ]).x.loc; value = (lib.evalModules { modules = [ { options.u = mkOption { type = t; }; } { u.alice = { }; } ]; }).config.u.alice.x; }`,
    kiln: () => {
      const type = types.attrsWith({ elemType: types.submodule({ options: { x: mkOption({ type: types.int, default: 1 }) } }), lazy: true, placeholder: "user" });
      const sub = (type.getSubOptions?.(["users"]) as Untyped).x;
      return { description: type.description, name: type.name, sub: sub.loc, value: configOf([{ options: { u: mkOption({ type }) } }, { u: { alice: {} } }]).u.alice.x };
    },
  },
  {
    name: "types.pkgs is described as a Nixpkgs package set",
    nix: `[ types.pkgs.name types.pkgs.description ]`,
    kiln: () => [types.pkgs.name, types.pkgs.description],
  },
  {
    name: "types.pkgs refuses a plain attribute set",
    nix: `(lib.evalModules { modules = [ { options.p = mkOption { type = types.pkgs; }; } { p = { hello = 1; }; } ]; }).config.p`,
    kiln: () => configOf([{ options: { p: mkOption({ type: types.pkgs }) } }, { p: { hello: 1 } }]).p,
  },
  {
    name: "boolByOr and pkgs descriptions",
    nix: `[ types.boolByOr.description types.pathInStore.description ]`,
    kiln: () => [types.boolByOr.description, types.pathInStore.description],
  },
  // Descriptions with nixpkgs' parentheses.
  {
    name: "composite type descriptions are parenthesised as in nixpkgs",
    nix: `map (t: t.description) [ (types.attrsOf (types.submodule { })) (types.nonEmptyListOf types.str) (types.listOf (types.attrsOf types.int)) (types.nullOr (types.listOf types.str)) (types.attrsOf (types.nullOr types.str)) (types.either types.int (types.listOf types.str)) (types.lazyAttrsOf (types.either types.int types.str)) (types.coercedTo types.int toString types.str) (types.functionTo (types.listOf types.int)) (types.listOf (types.enum [ "a" "b" ])) (types.uniq (types.listOf types.int)) ]`,
    kiln: () =>
      [
        types.attrsOf(types.submodule({})),
        types.nonEmptyListOf(types.str),
        types.listOf(types.attrsOf(types.int)),
        types.nullOr(types.listOf(types.str)),
        types.attrsOf(types.nullOr(types.str)),
        types.either(types.int, types.listOf(types.str)),
        types.lazyAttrsOf(types.either(types.int, types.str)),
        types.coercedTo(types.int, String, types.str),
        types.functionTo(types.listOf(types.int)),
        types.listOf(types.enum(["a", "b"])),
        types.uniq(types.listOf(types.int)),
      ].map((type) => type.description),
  },
  {
    name: "a type error names the type with its parentheses",
    nix: `(lib.evalModules { modules = [ { options.a = mkOption { type = types.attrsOf (types.submodule { }); }; } { a = [ 1 ]; } ]; }).config.a`,
    kiln: () => configOf([{ options: { a: mkOption({ type: types.attrsOf(types.submodule({})) }) } }, { a: [1] }]).a,
  },
  // Option tree errors.
  {
    name: "an option that would be a parent of other options names every module",
    nix: `(lib.evalModules { modules = [ { _file = "parent.nix"; options.a = mkOption { type = types.int; }; } { _file = "child.nix"; options.a.b = mkOption { type = types.int; }; } { _file = "other.nix"; options.a.c.d = mkOption { type = types.int; }; } ]; }).config.a`,
    kiln: () =>
      configOf([
        { _file: "parent.nix", options: { a: mkOption({ type: types.int }) } },
        { _file: "child.nix", options: { a: { b: mkOption({ type: types.int }) } } },
        { _file: "other.nix", options: { a: { c: { d: mkOption({ type: types.int }) } } } },
      ]).a,
  },
  {
    name: "assertionsModule matches NixOS's assertions declarations",
    nix: `(lib.evalModules { modules = [ { options.assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; }; options.warnings = mkOption { type = types.listOf types.str; default = [ ]; }; } { assertions = [ { assertion = false; message = "m"; } ]; } ]; }).config`,
    kiln: () => ({ ...configOf([assertionsModule, { assertions: [{ assertion: false, message: "m" }] }]) }),
  },
];
