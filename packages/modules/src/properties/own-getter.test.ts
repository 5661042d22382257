/**
 * Specifications of `ownGetter`: the walks of definitions tell getters
 * (lazy attribute values) from data attributes without running them.
 */
import { describe, expect, it } from "vitest";
import { evalModules, mkOption, types } from "../index.js";
import { ownGetter } from "./own-getter.js";

describe("ownGetter", () => {
  it("gives the getter of an accessor attribute without running it, and nothing for a data attribute", () => {
    let runs = 0;
    const getter = (): number => ++runs;
    const object = Object.defineProperty({ port: 80 }, "host", { get: getter, enumerable: true });
    expect(ownGetter(object, "host")).toBe(getter);
    expect(ownGetter(object, "port")).toBeUndefined();
    expect(runs).toBe(0);
  });

  it("answers for objects without a prototype too", () => {
    const object = Object.create(null, { a: { value: 1, enumerable: true }, b: { get: () => 2, enumerable: true } }) as object;
    expect(ownGetter(object, "a")).toBeUndefined();
    expect(typeof ownGetter(object, "b")).toBe("function");
  });
});

describe("getters in attribute-set definitions", () => {
  it("an attribute's getter runs only when that attribute is merged, and once", () => {
    let runs = 0;
    const { config } = evalModules({
      modules: [
        { options: { ports: mkOption({ type: types.lazyAttrsOf(types.int), default: {} }) } },
        {
          config: {
            ports: {
              plain: 1,
              get computed() {
                runs++;
                return 2;
              },
            },
          },
        },
      ],
    });
    const ports = (config as unknown as { ports: Record<string, number> }).ports;
    expect(ports["plain"]).toBe(1);
    expect(runs).toBe(0);
    expect(ports["computed"]).toBe(2);
    expect(ports["computed"]).toBe(2);
    expect(runs).toBe(1);
  });
});
