/**
 * Specifications of `evalModules`: module syntax, imports and their
 * deduplication, disabledModules, freeform options, module arguments,
 * submodules (`users.users.<name>`), the options tree and extendModules.
 */
import { describe, expect, it } from "vitest";
import { InvalidModuleError, OptionNotFoundError, evalModules, lazy, mkDefault, mkIf, mkOption, types } from "../src/index.js";
import { errorOf, evaluate, valueOf } from "./evaluate.js";

const counter = { options: { n: mkOption({ type: types.listOf(types.str), default: [] }) } };

describe("module syntax", () => {
  it("a module without options or config is all config (shorthand)", () => {
    expect(valueOf([counter, { n: ["shorthand"] }], "n")).toEqual(["shorthand"]);
  });
  it("a module function receives config, options and lib", () => {
    const seen: string[] = [];
    evaluate([
      counter,
      (args: { config: unknown; options: unknown; lib: { mkIf: unknown } }) => {
        seen.push(typeof args.config, typeof args.options, typeof args.lib.mkIf);
        return {};
      },
    ]);
    expect(seen).toEqual(["object", "object", "function"]);
  });
  it("a module function is called once", () => {
    let calls = 0;
    const module = () => {
      calls++;
      return { n: ["x"] };
    };
    const { config } = evaluate([counter, module, { imports: [module] }]);
    expect(config.n).toEqual(["x"]);
    expect(calls).toBe(1);
  });
  it("top-level attributes next to config/options are rejected as in NixOS", () => {
    expect(() => evaluate([{ options: {}, services: {} }])).toThrow(/has an unsupported attribute `services'\. This is caused by introducing a top-level `config' or `options' attribute/);
  });
  it("defining a value where an attribute set of options is expected is an error", () => {
    expect(errorOf(() => evaluate([{ options: { a: { b: mkOption({ type: types.int }) } } }, { a: 5 }]).config.a.b)).toBeInstanceOf(InvalidModuleError);
  });
});

describe("imports", () => {
  it("imported modules are evaluated, breadth first, and merged in NixOS order", () => {
    expect(valueOf([counter, { n: ["root"], imports: [{ n: ["child"], imports: [{ n: ["grandchild"] }] }] }, { n: ["sibling"] }], "n")).toEqual(["grandchild", "child", "sibling", "root"]);
  });
  it("the same module value imported twice counts once", () => {
    const shared = { n: ["shared"] };
    expect(valueOf([counter, { imports: [shared] }, { imports: [shared] }], "n")).toEqual(["shared"]);
  });
  it("modules with the same key count once", () => {
    expect(valueOf([counter, { key: "k", n: ["first"] }, { key: "k", n: ["second"] }], "n")).toEqual(["first"]);
  });
  it("imports may use specialArgs", () => {
    const extra = { n: ["from specialArgs"] };
    const config = evaluate([counter, ({ extraModule }: { extraModule: unknown }) => ({ imports: [extraModule] })], { specialArgs: { extraModule: extra } }).config;
    expect(config.n).toEqual(["from specialArgs"]);
  });
});

describe("disabledModules", () => {
  it("a module can be disabled by its value", () => {
    const unwanted = { n: ["unwanted"], imports: [{ n: ["unwanted import"] }] };
    expect(valueOf([counter, unwanted, { disabledModules: [unwanted], n: ["kept"] }], "n")).toEqual(["kept"]);
  });
  it("a module can be disabled by its key", () => {
    expect(valueOf([counter, { key: "services/foo", n: ["foo"] }, { disabledModules: ["services/foo"] }], "n")).toEqual([]);
  });
  it("disabling a module removes its option declarations too", () => {
    const declaring = { key: "decl", options: { extra: mkOption({ type: types.int, default: 1 }) } };
    expect(Object.keys(evaluate([declaring, { disabledModules: ["decl"] }]).config)).not.toContain("extra");
  });
});

describe("freeform options", () => {
  it("definitions without an option are merged with the freeform type", () => {
    const config = evaluate([{ freeformType: types.attrsOf(types.anything), options: { port: mkOption({ type: types.port, default: 80 }) } }, { host: "example.org", nested: { a: 1 } }, { nested: { b: 2 } }]).config;
    expect(config.port).toBe(80);
    expect(config.host).toBe("example.org");
    expect(config.nested).toEqual({ b: 2, a: 1 });
  });
  it("freeform definitions are type checked", () => {
    expect(() => evaluate([{ freeformType: types.attrsOf(types.str) }, { count: 1 }]).config.count).toThrow(/is not of type `string'/);
  });
  it("config._module.freeformType works like the freeformType attribute", () => {
    expect(evaluate([{ config: { _module: { freeformType: types.attrsOf(types.int) } } }, { a: 1 }]).config.a).toBe(1);
  });
  it("freeform submodules (settings = attrsOf anything with some declared options)", () => {
    const settings = types.submodule({ freeformType: types.attrsOf(types.anything), options: { level: mkOption({ type: types.int, default: 1 }) } });
    const config = evaluate([{ options: { settings: mkOption({ type: settings, default: {} }) } }, { settings: { extra: true } }]).config;
    expect(config.settings).toEqual({ level: 1, extra: true });
  });
});

describe("_module.check", () => {
  it("undeclared definitions are errors by default", () => {
    expect(() => evaluate([{ undeclared: 1 }]).config).not.toThrow();
    expect(() => Object.keys(evaluate([{ undeclared: 1 }]).config)).toThrow(OptionNotFoundError);
  });
  it("with _module.check = false undeclared definitions are ignored", () => {
    const { config } = evaluate([counter, { undeclared: 1, _module: { check: false } }]);
    expect(config.n).toEqual([]);
    expect(config.undeclared).toBeUndefined();
  });
});

describe("module arguments", () => {
  it("specialArgs reach modules", () => {
    expect(evaluate([counter, ({ greeting }: { greeting: string }) => ({ n: [greeting] })], { specialArgs: { greeting: "hi" } }).config.n).toEqual(["hi"]);
  });
  it("_module.args provides arguments defined by another module", () => {
    const pkgs = { hello: "hello-2.12" };
    const config = evaluate([counter, { _module: { args: { pkgs } } }, ({ pkgs }: { pkgs: { hello: string } }) => ({ n: [pkgs.hello] })]).config;
    expect(config.n).toEqual(["hello-2.12"]);
  });
  it("an argument nobody provides is an error naming it", () => {
    expect(() => evaluate([counter, ({ missing }: { missing: string }) => ({ n: [missing] })])).toThrow(/The module argument `missing' requested by .* is not defined/);
  });
});

describe("submodules", () => {
  const userModule = ({ name, config }: { name: string; config: { name: string; isNormalUser: boolean } }) => ({
    options: {
      name: mkOption({ type: types.str, default: name }),
      uid: mkOption({ type: types.nullOr(types.int), default: null }),
      isNormalUser: mkOption({ type: types.bool, default: false }),
      home: mkOption({ type: types.str, default: "/var/empty" }),
      extraGroups: mkOption({ type: types.listOf(types.str), default: [] }),
    },
    config: mkIf(() => config.isNormalUser, { home: mkDefault(lazy(() => `/home/${config.name}`)) }),
  });
  const users = { options: { users: { users: mkOption({ type: types.attrsOf(types.submodule(userModule)), default: {} }) } } };

  it("users.users.<name>: name defaults to the attribute name; definitions merge across modules", () => {
    const config = evaluate([
      users,
      { users: { users: { alice: { isNormalUser: true, extraGroups: ["wheel"] } } } },
      { users: { users: { alice: { uid: 1000, extraGroups: ["audio"] }, nobody: { uid: 65534 } } } },
    ]).config;
    expect(config.users.users.alice).toEqual({ name: "alice", uid: 1000, isNormalUser: true, home: "/home/alice", extraGroups: ["wheel", "audio"] });
    expect(config.users.users.nobody.home).toBe("/var/empty");
  });
  it("a submodule definition may be a function of its own config", () => {
    const config = evaluate([users, { users: { users: { bob: ({ config }: { config: { uid: number } }) => ({ uid: 5, extraGroups: lazy(() => [`group-${config.uid}`]) }) } } }]).config;
    expect(config.users.users.bob.extraGroups).toEqual(["group-5"]);
  });
  it("errors inside a submodule name the full option path", () => {
    expect(() => evaluate([users, { users: { users: { carol: { uid: "x" } } } }]).config.users.users.carol.uid).toThrow(/option `users\.users\.carol\.uid' is not of type `null or signed integer'/);
  });
  it("undeclared options inside a submodule are reported with the full path", () => {
    expect(() => evaluate([users, { users: { users: { dave: { shel: "zsh" } } } }]).config.users.users.dave.uid).toThrow(/The option `users\.users\.dave\.shel' does not exist/);
  });
});

describe("the options tree", () => {
  it("exposes value, isDefined, files, declarations and definitions", () => {
    const declaring = { _file: "decl.ts", options: { a: { x: mkOption({ type: types.int, default: 1, description: "An x." }) } } };
    const { options } = evaluate([declaring, { _file: "def.ts", a: { x: 2 } }]);
    expect(options.a.x.value).toBe(2);
    expect(options.a.x.isDefined).toBe(true);
    expect(options.a.x.declarations).toEqual(["decl.ts"]);
    expect(options.a.x.files).toEqual(["def.ts"]);
    expect(options.a.x.definitionsWithLocations).toEqual([{ file: "def.ts", value: 2 }]);
    expect(options.a.x.description).toBe("An x.");
    expect(options.a.x.type.description).toBe("signed integer");
    expect(options.a.x.default).toBe(1);
  });
  it("isDefined is false for an option without definitions or default", () => {
    expect(evaluate([{ options: { x: mkOption({ type: types.int }) } }]).options.x.isDefined).toBe(false);
  });
});

describe("extendModules", () => {
  it("evaluates the same modules plus more", () => {
    const base = evalModules({ modules: [counter, { n: ["base"] }] });
    const extended = base.extendModules({ modules: [{ n: ["extra"] }] });
    expect((extended.config as unknown as { n: string[] }).n).toEqual(["extra", "base"]);
    expect((base.config as unknown as { n: string[] }).n).toEqual(["base"]);
  });
});

describe("config objects", () => {
  it("are read-only, list declared options, and compare by value", () => {
    const { config } = evaluate([{ options: { a: { b: mkOption({ type: types.int, default: 1 }) } } }]);
    expect(Object.keys(config)).toEqual(["a"]);
    expect(config.a).toEqual({ b: 1 });
    expect(JSON.parse(JSON.stringify(config.a))).toEqual({ b: 1 });
    expect("b" in config.a).toBe(true);
    expect(() => {
      config.a.b = 2;
    }).toThrow(TypeError);
  });
});

describe("helpers", () => {
  it("defineModule returns its argument (identity), so deduplication by value still works", async () => {
    const { defineModule } = await import("../src/index.js");
    const module = { n: ["once"] };
    expect(defineModule(module as never)).toBe(module);
    expect(valueOf([counter, module, { imports: [module] }], "n")).toEqual(["once"]);
  });
  it("mkPackageOption defaults to the package of that name in pkgs", async () => {
    const { mkPackageOption } = await import("../src/index.js");
    const pkgs = { hello: { type: "derivation", name: "hello-2.12" }, gnome: { nautilus: { type: "derivation", name: "nautilus" } } };
    const { config, options } = evaluate([{ options: { hello: mkPackageOption(pkgs, "hello"), files: mkPackageOption(pkgs, ["gnome", "nautilus"]) } }]);
    expect(config.hello).toBe(pkgs.hello);
    expect(config.files).toBe(pkgs.gnome.nautilus);
    expect(options.hello.description).toBe("The hello package to use.");
    expect(options.hello.defaultText).toBe("pkgs.hello");
  });
  it("mkPackageOption's default is not looked up when a definition overrides it", async () => {
    const { mkPackageOption } = await import("../src/index.js");
    const mine = { type: "derivation", name: "my-git" };
    const { config } = evaluate([{ options: { git: mkPackageOption({}, "git") } }, { git: mine }]);
    expect(config.git).toBe(mine);
    expect(() => evaluate([{ options: { git: mkPackageOption({}, "git") } }]).config.git).toThrow(/the package set has no attribute `git'/);
  });
  it("submoduleWith passes specialArgs to the submodule's modules", () => {
    const type = types.submoduleWith({ modules: [({ greeting }: { greeting: string }) => ({ options: { text: mkOption({ type: types.str, default: greeting }) } })], specialArgs: { greeting: "hello" } });
    expect(valueOf([{ options: { s: mkOption({ type, default: {} }) } }], "s")).toEqual({ text: "hello" });
  });
  it("deferredModule collects modules for another evaluation", () => {
    const { config } = evaluate([{ options: { extra: mkOption({ type: types.deferredModule, default: {} }) } }, { extra: { n: ["deferred"] } }]);
    expect(evaluate([counter, config.extra]).config.n).toEqual(["deferred"]);
  });
});
