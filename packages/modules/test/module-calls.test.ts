/**
 * Specifications of module functions that read `config` as they run, the
 * daily NixOS patterns, in plain TypeScript: a first call with a placeholder
 * config finds each module's structure; a second call with the real config,
 * made only when the module's values are needed, gives them. Module order
 * does not matter; true cycles and config-dependent structure are errors,
 * never wrong values.
 */
import { describe, expect, it } from "vitest";
import {
  ConfigDependentStructureError,
  InfiniteRecursionError,
  InvalidModuleError,
  PrematureReadError,
  TypeMismatchError,
  lazy,
  mkDefault,
  mkEnableOption,
  mkIf,
  mkMerge,
  mkOption,
  mkPackageOption,
  optionsToJson,
  types,
} from "../src/index.js";
import { errorOf, evaluate, type AnyConfig } from "./evaluate.js";

type Args = { config: AnyConfig };

const networking = {
  options: {
    networking: {
      domain: mkOption({ type: types.str, default: "example.org" }),
      firewall: { allowedTCPPorts: mkOption({ type: types.listOf(types.port), default: [] }) },
    },
    environment: { etc: mkOption({ type: types.attrsOf(types.str), default: {} }) },
  },
};

const nginx = ({ config }: Args) => ({
  options: { services: { nginx: { enable: mkEnableOption("nginx"), port: mkOption({ type: types.port, default: 80 }) } } },
  config: mkIf(config.services.nginx.enable, {
    networking: { firewall: { allowedTCPPorts: [config.services.nginx.port] } },
    environment: { etc: { "nginx/server_name": config.networking.domain } },
  }),
});

describe("the nginx pattern: mkIf(config.services.nginx.enable, { … }) in the module declaring enable", () => {
  const machine = { services: { nginx: { enable: true } } };
  it("works with the machine's module after nginx", () => {
    const { config } = evaluate([networking, nginx, machine]);
    expect(config.networking.firewall.allowedTCPPorts).toEqual([80]);
    expect(config.services.nginx.enable).toBe(true);
  });
  it("works with the machine's module before nginx", () => {
    expect(evaluate([machine, networking, nginx]).config.networking.firewall.allowedTCPPorts).toEqual([80]);
    expect(evaluate([machine, nginx, networking]).config.networking.firewall.allowedTCPPorts).toEqual([80]);
  });
  it("the mkIf body reads more of config: the module's own port and another module's option", () => {
    const { config } = evaluate([{ services: { nginx: { enable: true, port: 8080 } }, networking: { domain: "kiln.dev" } }, nginx, networking]);
    expect(config.networking.firewall.allowedTCPPorts).toEqual([8080]);
    expect(config.environment.etc).toEqual({ "nginx/server_name": "kiln.dev" });
  });
  it("disabled, it defines nothing", () => {
    const { config } = evaluate([networking, nginx]);
    expect(config.networking.firewall.allowedTCPPorts).toEqual([]);
    expect(config.environment.etc).toEqual({});
    expect(config.services.nginx.port).toBe(80);
  });
  it("reading the module's own options first works too", () => {
    const { config } = evaluate([nginx, networking, machine]);
    expect(config.services.nginx.enable).toBe(true);
    expect(config.services.nginx.port).toBe(80);
    expect(config.networking.firewall.allowedTCPPorts).toEqual([80]);
  });
  it("a template string in the body does not make the declarations before it suspect: reading them needs no second call", () => {
    let calls = 0;
    const templated = ({ config }: Args) => (
      calls++,
      {
        options: { services: { web: { enable: mkEnableOption("web"), port: mkOption({ type: types.port, default: 80 }) } } },
        config: mkIf(config.services.web.enable, { environment: { etc: { "web.conf": `listen ${config.services.web.port}` } } }),
      }
    );
    const { config } = evaluate([networking, templated]);
    expect([config.services.web.enable, config.services.web.port, calls]).toEqual([false, 80, 1]);
  });
  it("a template string of config values in the body is fine, whatever is read first", () => {
    const templated = ({ config }: Args) => ({
      options: { services: { web: { enable: mkEnableOption("web"), port: mkOption({ type: types.port, default: 80 }) } } },
      config: mkIf(config.services.web.enable, { environment: { etc: { "web.conf": `listen ${config.services.web.port}` } } }),
    });
    const modules = [networking, templated, { services: { web: { enable: true, port: 81 } } }];
    expect(evaluate(modules).config.services.web.port).toBe(81);
    expect(evaluate(modules).config.environment.etc).toEqual({ "web.conf": "listen 81" });
    const { config } = evaluate(modules);
    expect([config.services.web.enable, config.services.web.port, config.environment.etc["web.conf"]]).toEqual([true, 81, "listen 81"]);
  });
});

describe("reading other modules' options", () => {
  it("a module reads an option it does not define, declared by a module listed later", () => {
    const reader = ({ config }: Args) => ({ environment: { etc: { hostname: config.networking.hostName } } });
    const declaring = { options: { networking: { hostName: mkOption({ type: types.str, default: "kiln" }) } } };
    expect(evaluate([reader, networking, declaring]).config.environment.etc).toEqual({ hostname: "kiln" });
  });
  it("a default computed from another module's option comes from the second call", () => {
    const my = { options: { my: { name: mkOption({ type: types.str }) } } };
    const host = ({ config }: Args) => ({ options: { networking: { hostName: mkOption({ type: types.str, default: `${config.my.name}-host` }) } } });
    const { config, options } = evaluate([host, my, { my: { name: "alice" } }]);
    expect(config.networking.hostName).toBe("alice-host");
    expect(options.networking.hostName.default).toBe("alice-host");
  });
  it("a default that is another option's value is read from config, even while the module's own body needs it", () => {
    let calls = 0;
    const declaring = ({ config }: Args) => (calls++, { options: { b: mkOption({ type: types.int, default: config.a }), c: mkOption({ type: types.listOf(types.int), default: [config.a, 1] }) } });
    const { config } = evaluate([declaring, { options: { a: mkOption({ type: types.int, default: 3 }) } }]);
    expect([config.b, config.c, calls]).toEqual([3, [3, 1], 1]);
    const service = ({ config }: Args) => ({
      options: { svc: { enable: mkEnableOption("svc"), port: mkOption({ type: types.port, default: config.basePort }) } },
      config: mkIf(config.svc.enable, { ports: [config.svc.port] }),
    });
    const base = { options: { basePort: mkOption({ type: types.port, default: 8000 }), ports: mkOption({ type: types.listOf(types.port), default: [] }) } };
    expect(evaluate([service, base, { svc: { enable: true } }]).config.ports).toEqual([8000]);
  });
  it("arguments from _module.args work in both calls, also in a module that defines another one", () => {
    const nixpkgs = { _module: { args: { pkgs: { hello: "hello-2.12" } } } };
    const greeter = ({ pkgs }: { pkgs: { hello: string } }) => ({ _module: { args: { greeting: `hi from ${pkgs.hello}` } } });
    const user = ({ pkgs, greeting }: { pkgs: { hello: string }; greeting: string }) => ({ environment: { etc: { hello: pkgs.hello, greeting } } });
    expect(evaluate([user, greeter, networking, nixpkgs]).config.environment.etc).toEqual({ hello: "hello-2.12", greeting: "hi from hello-2.12" });
  });
  it("a module sees `config` and `options` as objects in both calls", () => {
    const seen: string[] = [];
    const module = ({ config, options }: Args & { options: unknown }) => {
      seen.push(typeof config, typeof options, typeof config.networking);
      return { environment: { etc: { a: config.networking.domain } } };
    };
    expect(evaluate([networking, module]).config.environment.etc).toEqual({ a: "example.org" });
    expect(seen).toEqual(["object", "object", "function", "object", "object", "object"]);
  });
});

describe("mutual dependencies and cycles", () => {
  const options = { options: { a: { x: mkOption({ type: types.int }), z: mkOption({ type: types.int }) }, b: { y: mkOption({ type: types.int }) } } };
  it("A's x reads y, B's y reads z which A defines: works written lazily (lazy() or a getter)", () => {
    const moduleA = ({ config }: Args) => ({ a: { x: lazy(() => config.b.y + 1), z: 1 } });
    const moduleB = ({ config }: Args) => ({
      b: {
        get y() {
          return config.a.z + 1;
        },
      },
    });
    expect(evaluate([options, moduleB, moduleA]).config.a.x).toBe(3);
  });
  it("a true cycle written eagerly in two function bodies names the chain of options", () => {
    const moduleA = ({ config }: Args) => ({ a: { x: config.b.y + 1 } });
    const moduleB = ({ config }: Args) => ({ b: { y: config.a.x + 1 } });
    const error = errorOf(() => evaluate([options, moduleA, moduleB]).config.a.x);
    expect(error).toBeInstanceOf(InfiniteRecursionError);
    expect(error.message).toBe("infinite recursion encountered while evaluating: a.x -> b.y -> a.x");
  });
  it("a module whose body eagerly reads an option it defines itself is a cycle, with advice", () => {
    const module = ({ config }: Args) => ({ a: { x: config.a.z + 1, z: 1 } });
    const error = errorOf(() => evaluate([options, module]).config.a.x);
    expect(error).toBeInstanceOf(InfiniteRecursionError);
    expect(error.message).toMatch(/^infinite recursion encountered while evaluating: a\.x -> a\.z: module `.*' is being called with the real config to evaluate `a\.x', and its body needs its own definition of `a\.z'.*lazy\(\(\) => …\)/);
    expect((error as InfiniteRecursionError).chain).toEqual(["a.x", "a.z"]);
  });
});

describe("definitions of the first call that cannot come from config are final", () => {
  const declarations = {
    options: {
      a: { enable: mkEnableOption("a"), x: mkOption({ type: types.int, default: 0 }) },
      b: { enable: mkEnableOption("b"), x: mkOption({ type: types.int, default: 0 }) },
      labels: mkOption({ type: types.listOf(types.str), default: [] }),
    },
  };
  it("a ring: each module sets its own enable with mkDefault and reads the other's in an mkIf condition; merging enable needs no second call", () => {
    const calls = { a: 0, b: 0 };
    const moduleA = ({ config }: Args) => (calls.a++, { config: mkMerge([{ a: { enable: mkDefault(true) } }, mkIf(config.b.enable, { a: { x: 1 } })]) });
    const moduleB = ({ config }: Args) => (calls.b++, { config: mkMerge([{ b: { enable: mkDefault(false) } }, mkIf(config.a.enable, { b: { x: 2 } })]) });
    const { config } = evaluate([declarations, moduleA, moduleB]);
    expect([config.a.enable, config.b.enable]).toEqual([true, false]);
    expect(calls).toEqual({ a: 1, b: 1 });
    expect(config.a.x).toBe(0);
    expect(calls).toEqual({ a: 2, b: 1 });
    expect(config.b.x).toBe(2);
    expect(calls).toEqual({ a: 2, b: 2 });
  });
  it("a value that is another option's value is read from config without a second call", () => {
    let calls = 0;
    const module = ({ config }: Args) => (calls++, { b: { x: config.a.x }, a: { enable: mkIf(config.b.enable, true) } });
    const { config } = evaluate([declarations, module, { a: { x: 7 } }]);
    expect([config.b.x, calls]).toEqual([7, 1]);
  });
  it("a definition under a placeholder condition, or holding a placeholder, still makes the second call", () => {
    let calls = 0;
    const module = ({ config }: Args) => (calls++, { a: { enable: mkDefault(true), x: mkIf(config.b.enable, 5) }, labels: [config.b.enable ? "on" : "off", config.a.enable] });
    const { config } = evaluate([declarations, module]);
    expect([config.a.enable, calls]).toEqual([true, 1]);
    expect([config.a.x, calls]).toEqual([0, 2]);
    const holding = ({ config }: Args) => (calls++, { a: { enable: mkDefault(true) }, b: { x: mkDefault([config.a.x][0]) } });
    calls = 0;
    const other = evaluate([declarations, holding]).config;
    expect([other.a.enable, calls]).toEqual([true, 1]);
    expect([other.b.x, calls]).toEqual([0, 2]);
  });
  it("clean definitions without an option are taken by a freeform type without a second call", () => {
    let calls = 0;
    const base = { freeformType: types.attrsOf(types.anything), options: { flag: mkOption({ type: types.bool, default: true }), count: mkOption({ type: types.int, default: 0 }) } };
    const module = ({ config }: Args) => (calls++, { extra: { name: "x" }, count: mkIf(config.flag, 1) });
    const { config } = evaluate([base, module]);
    expect([config.extra, calls]).toEqual([{ name: "x" }, 1]);
    expect([config.count, calls]).toEqual([1, 2]);
  });
  it("tainted definitions in a ring are still a cycle, named as such", () => {
    const moduleA = ({ config }: Args) => ({ a: { enable: mkIf(config.b.enable, true) } });
    const moduleB = ({ config }: Args) => ({ b: { enable: mkIf(config.a.enable, true) } });
    const error = errorOf(() => evaluate([declarations, moduleA, moduleB]).config.a.enable);
    expect(error).toBeInstanceOf(InfiniteRecursionError);
    expect(error.message).toMatch(/^infinite recursion encountered while evaluating: a\.enable -> b\.enable -> a\.enable/);
  });
  it("a module whose first call turned a placeholder into a string has every definition from its second call", () => {
    let calls = 0;
    const module = ({ config }: Args) => (calls++, { a: { enable: mkDefault(true) }, labels: [`b is ${config.b.enable}`] });
    const { config } = evaluate([declarations, module]);
    expect([config.a.enable, calls]).toEqual([true, 2]);
    expect(config.labels).toEqual(["b is false"]);
  });
  it("a module that asks a placeholder whether it has an attribute has every definition from its second call", () => {
    let calls = 0;
    const module = ({ config }: Args) => (calls++, { a: { x: "extra" in config.b ? 1 : 2 } });
    expect([evaluate([declarations, module]).config.a.x, calls]).toEqual([2, 2]);
  });
  it("a JavaScript condition on a placeholder the module uses nowhere else makes every definition come from the second call", () => {
    let calls = 0;
    const module = ({ config }: Args) => (calls++, { a: { x: config.b.enable ? 80 : 443 } });
    expect([evaluate([declarations, module]).config.a.x, calls]).toEqual([443, 2]);
  });
  it("a condition computed from a placeholder (mkIf(!cfg.enable, …)) is not trusted, even when the placeholder is used elsewhere", () => {
    let calls = 0;
    const module = ({ config }: Args) => (calls++, { config: mkMerge([mkIf(config.b.enable, { a: { x: 1 } }), mkIf(!config.b.enable, { labels: ["b is off"] })]) });
    const { config } = evaluate([declarations, module]);
    expect([config.labels, calls]).toEqual([["b is off"], 2]);
  });
  it("a JavaScript condition on a placeholder also used in mkIf is detected when the second call comes, naming the module and option", () => {
    const web = ({ config }: Args) => {
      const cfg = config.b;
      return { config: mkMerge([mkIf(cfg.enable, { labels: ["web"] }), { a: { x: cfg.enable ? 80 : 443 } }]) };
    };
    const { config } = evaluate([declarations, web]);
    // The placeholder is truthy: the first call's value is wrong, and nothing shows it until the second call.
    expect(config.a.x).toBe(80);
    const error = errorOf(() => config.labels);
    expect(error).toBeInstanceOf(ConfigDependentStructureError);
    expect(error.message).toMatch(/^Module `[^`]+' gives `a\.x' a different definition when called with the real config than when called with a placeholder config, and the definition from the placeholder call was already used\. The value depends on config through JavaScript control flow .*mkIf\(cfg\.x, …\)/);
    expect((error as ConfigDependentStructureError).loc).toEqual(["a", "x"]);
    expect(() => config.a.enable).toThrow(ConfigDependentStructureError);
    // Read in the other order, the second call comes first and gives the right value.
    const fresh = evaluate([declarations, web]).config;
    expect([fresh.labels, fresh.a.x]).toEqual([[], 443]);
  });
});

describe("structure must not depend on config", () => {
  const declarations = { options: { flag: mkOption({ type: types.bool, default: false }), x: mkOption({ type: types.int, default: 0 }), a: mkOption({ type: types.int, default: 0 }) } };
  // `cfg.flag ? {} : { a: 2 }`: the placeholder is truthy, so the first call sees no `a`.
  const conditional = ({ config }: Args) => ({ x: 1, ...(config.flag ? {} : { a: 2 }) });
  it("an option a second call newly defines after it was merged is an error naming the module and option", () => {
    const { config } = evaluate([declarations, conditional]);
    expect(config.a).toBe(0);
    const error = errorOf(() => config.x);
    expect(error).toBeInstanceOf(ConfigDependentStructureError);
    expect(error.message).toMatch(/^Module `.*' defines `a' only when called with the real config, and `a' was already evaluated without that definition\. The set of options a module defines must not depend on config values.*mkIf\(cfg\.enable, \{ … \}\)/);
    expect((error as ConfigDependentStructureError).loc).toEqual(["a"]);
    // `a` was handed out without that definition: the evaluation is not trusted any more.
    expect(() => config.a).toThrow(ConfigDependentStructureError);
  });
  it("an option not merged yet simply gains the definition", () => {
    const { config } = evaluate([declarations, conditional]);
    expect(config.x).toBe(1);
    expect(config.a).toBe(2);
  });
  it("an option the first call defined but the second does not is just not defined", () => {
    const dropping = ({ config }: Args) => ({ ...(config.flag ? { a: 2 } : {}) });
    expect(evaluate([declarations, dropping]).config.a).toBe(0);
  });
  it("options declared depending on config are an error", () => {
    const declaring = ({ config }: Args) => ({ options: config.flag ? {} : { y: mkOption({ type: types.int, default: 1 }) }, config: { x: 5 } });
    const error = errorOf(() => evaluate([declarations, declaring]).config.x);
    expect(error).toBeInstanceOf(ConfigDependentStructureError);
    expect(error.message).toContain("declares the option `y' only when called with the real config");
  });
  it("a declaration value depending on config through a condition is checked when the second call comes", () => {
    const module = ({ config }: Args) => ({
      options: { mode: mkOption({ type: types.str, default: config.flag ? "on" : "off" }) },
      config: { x: config.mode === "on" ? 1 : 2 },
    });
    const error = errorOf(() => evaluate([declarations, module]).config.x);
    expect(error).toBeInstanceOf(ConfigDependentStructureError);
    expect(error.message).toContain("computes the default of option `mode' from config");
    expect(evaluate([declarations, module, { flag: true }]).config.x).toBe(1);
  });
  it("a default computed from config that the module's own body needs is an error, not a wrong value", () => {
    const host = ({ config }: Args) => ({
      options: { hostName: mkOption({ type: types.str, default: `${config.name}-host` }), name: mkOption({ type: types.str, default: "alice" }) },
      config: { x: config.hostName.length },
    });
    const error = errorOf(() => evaluate([declarations, host]).config.hostName);
    expect(error).toBeInstanceOf(ConfigDependentStructureError);
    expect(error.message).toContain("computes the default of option `hostName' from config");
  });
  it("attribute names of an attribute set option may not depend on config once handed out", () => {
    const things = { options: { flag: mkOption({ type: types.bool, default: false }), things: mkOption({ type: types.lazyAttrsOf(types.int), default: {} }) } };
    const module = ({ config }: Args) => ({ things: config.flag ? { a: 1 } : { a: 1, b: 2 } });
    expect(() => evaluate([things, module]).config.things.a).toThrow(/defines different attributes of `things' when called with the real config than with a placeholder/);
  });
  it("imports may not depend on config", () => {
    const importing = ({ config }: Args) => ({ imports: [config.extraModule] });
    const error = errorOf(() => evaluate([importing]));
    expect(error).toBeInstanceOf(InvalidModuleError);
    expect(error.message).toMatch(/^infinite recursion encountered while evaluating the `imports' of module `.*': it depends on `config'/);
  });
  it("the type of an option may not depend on config", () => {
    const declaring = ({ config }: Args) => ({ options: { y: mkOption({ type: config.someType }) } });
    expect(() => evaluate([declaring]).config.y).toThrow(/the type of option `y' in `.*': it depends on `config'/);
  });
});

describe("only options that are read are merged, and modules called only as needed", () => {
  it("a bad definition in an unread option never throws", () => {
    const { config } = evaluate([networking, nginx, { services: { nginx: { port: "not a port" } } }]);
    expect(config.networking.domain).toBe("example.org");
    expect(config.services.nginx.enable).toBe(false);
    expect(() => config.services.nginx.port).toThrow(TypeMismatchError);
  });
  it("a module that never touches config is called exactly once; one whose options are never read is never called again", () => {
    const calls = { plain: 0, unread: 0, needed: 0 };
    const plain = () => (calls.plain++, { networking: { domain: "plain.org" } });
    const unread = ({ config }: Args) => (calls.unread++, { options: { unread: { enable: mkEnableOption("unread") } }, config: mkIf(config.unread.enable, { environment: { etc: { unread: "yes" } } }) });
    const needed = ({ config }: Args) => (calls.needed++, { networking: { firewall: { allowedTCPPorts: [config.networking.domain.length] } } });
    const { config } = evaluate([networking, plain, unread, needed]);
    expect(calls).toEqual({ plain: 1, unread: 1, needed: 1 });
    expect(config.networking.domain).toBe("plain.org");
    expect(calls).toEqual({ plain: 1, unread: 1, needed: 1 });
    expect(config.networking.firewall.allowedTCPPorts).toEqual([9]);
    expect(config.networking.firewall.allowedTCPPorts).toEqual([9]);
    expect(calls).toEqual({ plain: 1, unread: 1, needed: 2 });
  });
  it("a module defining an attribute of a lazy attribute set is not called to read another attribute", () => {
    let calls = 0;
    const lazyAttrs = { options: { things: mkOption({ type: types.lazyAttrsOf(types.int), default: {} }) } };
    const a = ({ config }: Args) => (calls++, { things: { a: config.things.b + 1 } });
    const { config } = evaluate([lazyAttrs, a, { things: { b: 1 } }]);
    expect(config.things.b).toBe(1);
    expect(calls).toBe(1);
    expect(config.things.a).toBe(2);
    expect(calls).toBe(2);
  });
});

describe("other shapes of modules that read config", () => {
  it("definitions without an option, taken by a freeform type", () => {
    const base = { freeformType: types.attrsOf(types.anything), options: { port: mkOption({ type: types.port, default: 80 }) } };
    const module = ({ config }: Args) => ({ next: config.port + 1, nested: { url: `http://localhost:${config.port}` } });
    const { config } = evaluate([module, base]);
    expect(config.next).toBe(81);
    expect(config.nested).toEqual({ url: "http://localhost:80" });
  });
  it("submodule functions reading their own options, for each attribute", () => {
    const service = ({ config, name }: Args & { name: string }) => ({
      options: { enable: mkEnableOption(name), port: mkOption({ type: types.port, default: 1 }), label: mkOption({ type: types.str, default: "" }) },
      config: mkIf(config.enable, { port: mkDefault(8080), label: `${name}:${config.enable}` }),
    });
    const top = { options: { services: mkOption({ type: types.attrsOf(types.submodule(service)), default: {} }) } };
    const { config } = evaluate([top, { services: { a: { enable: true }, b: {} } }]);
    expect(config.services).toEqual({ a: { enable: true, port: 8080, label: "a:true" }, b: { enable: false, port: 1, label: "" } });
  });
  it("a config whose structure a placeholder cannot show is taken from the real call", () => {
    const declarations = { options: { a: { b: mkOption({ type: types.int, default: 0 }) }, preset: mkOption({ type: types.attrs, default: { b: 3 } }) } };
    const module = ({ config }: Args) => ({ a: config.preset });
    expect(evaluate([declarations, module]).config.a.b).toBe(3);
  });
  it("mkPackageOption with `pkgs` from _module.args", () => {
    const pkgs = { hello: { type: "derivation", name: "hello" } };
    const module = ({ pkgs }: { pkgs: Record<string, unknown> }) => ({ options: { hello: mkPackageOption(pkgs, "hello") } });
    const { config, options } = evaluate([module, { _module: { args: { pkgs } } }]);
    expect(config.hello).toBe(pkgs.hello);
    expect(options.hello.defaultText).toBe("pkgs.hello");
  });
  it("a lazy() default reads the real config when merged", () => {
    const module = ({ config }: Args) => ({ options: { a: mkOption({ type: types.int, default: lazy(() => config.b * 2) }), b: mkOption({ type: types.int, default: 2 }) }, config: mkIf(config.b > 100, { c: 1 }) });
    expect(evaluate([module, { options: { c: mkOption({ type: types.int, default: 0 }) } }]).config.a).toBe(4);
  });
  it("a failed check in one evaluation does not leak into another", () => {
    const module = ({ config }: Args) => ({ options: { a: mkOption({ type: types.int, default: lazy(() => config.b * 2) }), b: mkOption({ type: types.int, default: 2 }) }, config: mkIf(config.b > 100, { b: 1 }) });
    expect(() => evaluate([module]).config.a).toThrow(InfiniteRecursionError);
    expect(evaluate([{ options: { z: mkOption({ type: types.int, default: 5 }) } }]).config.z).toBe(5);
  });
});

describe("module functions that fail with a placeholder config", () => {
  const declarations = { options: { url: mkOption({ type: types.str }), host: mkOption({ type: types.str, default: "" }) } };
  it("are called once, for real, after the other modules", () => {
    const parsing = ({ config }: Args) => ({ host: new URL(config.url).host });
    expect(evaluate([parsing, declarations, { url: "https://kiln.dev/x" }]).config.host).toBe("kiln.dev");
  });
  it("their early reads are verified: a module they import that changes the answer is reported", () => {
    const parsing = ({ config }: Args) => ({ host: new URL(config.url).host, imports: [{ url: "https://other.dev" }] });
    expect(() => evaluate([parsing, declarations, { url: "https://kiln.dev/x" }])).toThrow(PrematureReadError);
  });
});

describe("documentation", () => {
  it("a description computed from config comes from the second call", () => {
    const module = ({ config }: Args) => ({ options: { x: mkOption({ type: types.int, default: 1, description: `x of ${config.name}` }), name: mkOption({ type: types.str, default: "n" }) } });
    expect(optionsToJson(evaluate([module]).options)["x"]?.description).toBe("x of n");
  });
  it("is generated from declarations without calling module functions again unless a value needs it", () => {
    let calls = 0;
    const documented = ({ config }: Args) => (calls++, { options: { web: { enable: mkEnableOption("the web server") } }, config: mkIf(config.web.enable, {}) });
    const docs = optionsToJson(evaluate([documented]).options);
    expect(docs["web.enable"]?.default).toBe("false");
    expect(calls).toBe(1);
  });
});
