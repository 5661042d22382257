/**
 * Specifications of laziness: config is merged one option at a time, on
 * read; modules may read each other's options, including in mkIf
 * conditions; lazy() values and getters defer a read until merge time;
 * cycles are reported, never answered with a wrong value. The two calls of
 * module functions are specified in `module-calls.test.ts`.
 */
import { describe, expect, it } from "vitest";
import { InfiniteRecursionError, TypeMismatchError, lazy, mkEnableOption, mkIf, mkMerge, mkOption, types } from "../src/index.js";
import { evaluate, type AnyConfig } from "./evaluate.js";

const foo = {
  options: {
    services: { foo: { enable: mkEnableOption("foo"), port: mkOption({ type: types.port, default: 8080 }), name: mkOption({ type: types.str, default: "foo" }) } },
    environment: { etc: mkOption({ type: types.attrsOf(types.str), default: {} }) },
    networking: { ports: mkOption({ type: types.listOf(types.port), default: [] }) },
  },
};

describe("reading config from modules", () => {
  it("a module reads options it does not define", () => {
    const reader = ({ config }: { config: AnyConfig }) => ({ environment: { etc: { port: String(config.services.foo.port) } } });
    expect(evaluate([foo, reader]).config.environment.etc).toEqual({ port: "8080" });
  });
  it("mkIf(config.services.foo.enable, …) whose body reads more of config", () => {
    const service = ({ config }: { config: AnyConfig }) => ({
      networking: mkIf(config.services.foo.enable, { ports: [config.services.foo.port] }),
      environment: { etc: mkIf(config.services.foo.enable, { "foo.conf": `name=${config.services.foo.name}` }) },
    });
    const enabled = evaluate([foo, service, { services: { foo: { enable: true, port: 9000 } } }]).config;
    expect(enabled.networking.ports).toEqual([9000]);
    expect(enabled.environment.etc).toEqual({ "foo.conf": "name=foo" });
    const disabled = evaluate([foo, service]).config;
    expect(disabled.networking.ports).toEqual([]);
  });
  it("a value computed from another module's option", () => {
    const base = { options: { base: mkOption({ type: types.int }) }, config: { base: 20 } };
    const derived = ({ config }: { config: AnyConfig }) => ({ options: { derived: mkOption({ type: types.int }) }, config: { derived: lazy(() => config.base * 2 + 2) } });
    expect(evaluate([derived, base]).config.derived).toBe(42);
  });
  it("a module reading its own options uses mkIf(() => …) or a getter", () => {
    const service = ({ config }: { config: AnyConfig }) => ({
      options: { services: { bar: { enable: mkEnableOption("bar"), port: mkOption({ type: types.port, default: 1 }) } } },
      config: mkIf(() => config.services.bar.enable, { networking: { ports: lazy(() => [config.services.bar.port]) } }),
    });
    const viaGetter = ({ config }: { config: AnyConfig }) => ({
      options: { services: { baz: { enable: mkEnableOption("baz") } } },
      get config() {
        return mkIf(config.services.baz.enable, { networking: { ports: [2] } });
      },
    });
    const { config } = evaluate([foo, service, viaGetter, { services: { bar: { enable: true }, baz: { enable: true } } }]);
    expect(config.networking.ports).toEqual([2, 1]);
  });
  it("a module may read its own options eagerly: mkIf(config.services.qux.enable, …)", () => {
    const eager = ({ config }: { config: AnyConfig }) => ({
      options: { services: { qux: { enable: mkEnableOption("qux") } } },
      config: mkIf(config.services.qux.enable, { networking: { ports: [7] } }),
    });
    expect(evaluate([foo, eager]).config.networking.ports).toEqual([]);
    expect(evaluate([foo, eager, { services: { qux: { enable: true } } }]).config.networking.ports).toEqual([7]);
  });
  it("a read whose answer a module it imports changes sees that module", () => {
    const reader = ({ config }: { config: AnyConfig }) => ({ environment: { etc: mkIf(config.services.foo.enable, { a: "b" }) } });
    const enabler = { services: { foo: { enable: true } } };
    // `enabler` is only known once `reader` has been called; the value is computed when all modules are.
    expect(evaluate([foo, (args: { config: AnyConfig }) => ({ ...reader(args), imports: [enabler] })]).config.environment.etc).toEqual({ a: "b" });
  });
});

describe("lazy definitions", () => {
  it("mutually dependent definitions work when written lazily", () => {
    const options = { options: { a: { x: mkOption({ type: types.int }), z: mkOption({ type: types.int }) }, b: { y: mkOption({ type: types.int }) } } };
    const moduleA = ({ config }: { config: AnyConfig }) => ({ a: { x: lazy(() => config.b.y + 1), z: 1 } });
    const moduleB = ({ config }: { config: AnyConfig }) => ({ b: { y: lazy(() => config.a.z + 1) } });
    expect(evaluate([options, moduleA, moduleB]).config.a.x).toBe(3);
  });
  it("getters in config objects are not called until the option is merged", () => {
    let calls = 0;
    const module = {
      environment: {
        etc: {
          get motd() {
            calls++;
            return "hello";
          },
        },
      },
    };
    const { config } = evaluate([foo, module]);
    expect(calls).toBe(0);
    expect(config.environment.etc.motd).toBe("hello");
    expect(calls).toBe(1);
  });
  it("a getter at an option is a lazy definition", () => {
    const module = ({ config }: { config: AnyConfig }) => ({
      services: {
        foo: {
          get name() {
            return `foo-${config.services.foo.port}`;
          },
        },
      },
    });
    expect(evaluate([foo, module]).config.services.foo.name).toBe("foo-8080");
  });
  it("lazy() may produce properties", () => {
    expect(evaluate([foo, { networking: { ports: lazy(() => mkMerge([[1], mkIf(false, [2])])) } }]).config.networking.ports).toEqual([1]);
  });
  it("a lazy definition is evaluated once", () => {
    let calls = 0;
    const { config } = evaluate([foo, { services: { foo: { port: lazy(() => ++calls) } } }]);
    expect([config.services.foo.port, config.services.foo.port, calls]).toEqual([1, 1, 1]);
  });
});

describe("only options that are read are merged", () => {
  it("a bad definition in an unread option does not throw", () => {
    const { config } = evaluate([foo, { services: { foo: { port: "not a port", name: "ok" } } }]);
    expect(config.services.foo.name).toBe("ok");
    expect(() => config.services.foo.port).toThrow(TypeMismatchError);
  });
  it("lazy definitions of unread options never run", () => {
    let ran = false;
    const { config } = evaluate([foo, { services: { foo: { port: lazy(() => ((ran = true), 1)) } } }]);
    expect(config.services.foo.enable).toBe(false);
    expect(ran).toBe(false);
  });
  it("conditions of unread options are not evaluated", () => {
    let evaluated = false;
    const { config } = evaluate([foo, { services: { foo: { port: mkIf(() => ((evaluated = true), true), 1) } } }]);
    expect(config.services.foo.name).toBe("foo");
    expect(evaluated).toBe(false);
  });
  it("merged values are memoised", () => {
    let calls = 0;
    const counting = types.int;
    const type = { ...counting, merge: (loc: readonly string[], definitions: readonly { file: string; value: unknown }[]) => (calls++, counting.merge(loc, definitions)) };
    const { config } = evaluate([{ options: { x: mkOption({ type, default: 1 }) } }]);
    expect([config.x, config.x, calls]).toEqual([1, 1, 1]);
  });
});

describe("cycles", () => {
  it("a true cycle through lazy definitions names the chain", () => {
    const options = { options: { a: { x: mkOption({ type: types.int }) }, b: { y: mkOption({ type: types.int }) } } };
    const moduleA = ({ config }: { config: AnyConfig }) => ({ a: { x: lazy(() => config.b.y) } });
    const moduleB = ({ config }: { config: AnyConfig }) => ({ b: { y: lazy(() => config.a.x) } });
    const { config } = evaluate([options, moduleA, moduleB]);
    expect(() => config.a.x).toThrow(InfiniteRecursionError);
    expect(() => config.b.y).toThrow("infinite recursion encountered while evaluating: b.y -> a.x -> b.y");
  });
  it("an option whose condition reads itself is a cycle", () => {
    const module = ({ config }: { config: AnyConfig }) => ({ services: { foo: { enable: mkIf(() => !config.services.foo.enable, true) } } });
    expect(() => evaluate([foo, module]).config.services.foo.enable).toThrow("infinite recursion encountered while evaluating: services.foo.enable -> services.foo.enable");
  });
  it("after a cycle error the configuration is still usable", () => {
    const module = ({ config }: { config: AnyConfig }) => ({ services: { foo: { port: lazy(() => config.services.foo.port) } } });
    const { config } = evaluate([foo, module]);
    expect(() => config.services.foo.port).toThrow(InfiniteRecursionError);
    expect(config.services.foo.name).toBe("foo");
  });
});
