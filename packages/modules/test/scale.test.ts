/**
 * A guard against quadratic behaviour: thousands of modules, options and
 * definitions evaluate quickly, and reading an option costs
 * the same however many modules there are. The second set is written as
 * NixOS modules are (`mkIf(cfg.enable, …)` read eagerly), so every module
 * function is called twice.
 */
import { expect, it } from "vitest";
import { lazy, mkDefault, mkIf, mkOption, types } from "../src/index.js";
import { evaluate, type AnyConfig } from "./evaluate.js";

function moduleSet(count: number): unknown[] {
  const modules: unknown[] = [];
  for (let index = 0; index < count; index++) {
    const name = `m${index}`;
    const target = `m${(index + 1) % count}`;
    const options: Record<string, unknown> = { enable: mkOption({ type: types.bool, default: false }) };
    for (let option = 0; option < 10; option++) options[`o${option}`] = option % 2 === 0 ? mkOption({ type: types.listOf(types.str), default: [] }) : mkOption({ type: types.int, default: 0 });
    modules.push(({ config }: { config: AnyConfig }) => ({
      options: { [name]: options },
      config: mkIf(() => config[name].enable, { [target]: { o0: ["a"], o1: mkDefault(5), o2: lazy(() => [String(config[name].o1)]) } }),
    }));
    modules.push({ [name]: { enable: true, o4: ["x"], o3: 7 } });
  }
  return modules;
}

it("2,000 modules with 22,000 options evaluate and are all read in well under three seconds", () => {
  const start = performance.now();
  const { config } = evaluate(moduleSet(2000));
  let read = 0;
  for (let index = 0; index < 2000; index++) for (let option = 0; option < 10; option++) read += config[`m${index}`][`o${option}`] === undefined ? 0 : 1;
  const elapsed = performance.now() - start;
  expect(read).toBe(20000);
  expect(config.m1.o0).toEqual(["a"]);
  expect(config.m1.o2).toEqual(["5"]);
  expect(elapsed).toBeLessThan(3000);
});

function eagerModuleSet(count: number, calls: { count: number }): unknown[] {
  const modules: unknown[] = [];
  for (let index = 0; index < count; index++) {
    const name = `m${index}`;
    const target = `m${(index + 1) % count}`;
    modules.push(({ config }: { config: AnyConfig }) => {
      calls.count++;
      const cfg = config[name];
      return {
        options: { [name]: { enable: mkOption({ type: types.bool, default: false }), o0: mkOption({ type: types.listOf(types.str), default: [] }), o1: mkOption({ type: types.int, default: 0 }) } },
        config: mkIf(cfg.enable, { [target]: { o0: [`from ${name}: ${cfg.o1}`] } }),
      };
    });
    modules.push({ [name]: { enable: index % 2 === 0, o1: index } });
  }
  return modules;
}

it("2,000 module functions reading config eagerly evaluate and are all read in well under three seconds", () => {
  const calls = { count: 0 };
  const start = performance.now();
  const { config } = evaluate(eagerModuleSet(2000, calls));
  let read = 0;
  for (let index = 0; index < 2000; index++) read += (config[`m${index}`].o0 as unknown[]).length;
  const elapsed = performance.now() - start;
  expect(read).toBe(1000);
  expect(config.m1.o0).toEqual(["from m0: 0"]);
  expect(config.m0.o0).toEqual([]);
  expect(calls.count).toBe(4000);
  expect(elapsed).toBeLessThan(3000);
});
