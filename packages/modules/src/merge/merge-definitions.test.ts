// The merge pipeline gives the same final definitions whether or not a
// definition needs discharging: priorities over plain values (an option's
// default, mkDefault, mkForce) take a shorter way that must agree with the
// full one (mkIf, mkMerge, mkOrder present).
import { describe, expect, it } from "vitest";
import { mkIf } from "../properties/mk-if.js";
import { MkOverride, OPTION_DEFAULT_PRIORITY, mkDefault, mkForce, mkOverride } from "../properties/mk-override.js";
import { DeferredDefault } from "./deferred-default.js";
import { finalDefinitions } from "./merge-definitions.js";

const defaultOf = (value: unknown) => ({ file: "<default>", value: new MkOverride(OPTION_DEFAULT_PRIORITY, value) });

describe("finalDefinitions", () => {
  it("keeps the plain definitions over a default and mkDefault, in order", () => {
    const result = finalDefinitions(["o"], [defaultOf(0), { file: "a", value: mkDefault(1) }, { file: "b", value: 2 }, { file: "c", value: 3 }]);
    expect(result).toEqual({ values: [{ file: "b", value: 2 }, { file: "c", value: 3 }], highestPriority: 100 });
  });

  it("unwraps the best priority (mkForce, mkOverride) and reports it", () => {
    const result = finalDefinitions(["o"], [defaultOf("x"), { file: "a", value: mkForce("f") }, { file: "b", value: "p" }, { file: "c", value: mkOverride(50, "g") }]);
    expect(result).toEqual({ values: [{ file: "a", value: "f" }, { file: "c", value: "g" }], highestPriority: 50 });
  });

  it("gives the default alone at its priority, reading a deferred default only then", () => {
    let reads = 0;
    const deferred = defaultOf(new DeferredDefault(() => (reads++, 7)));
    expect(finalDefinitions(["o"], [deferred, { file: "a", value: 1 }])).toEqual({ values: [{ file: "a", value: 1 }], highestPriority: 100 });
    expect(reads).toBe(0);
    expect(finalDefinitions(["o"], [deferred])).toEqual({ values: [{ file: "<default>", value: 7 }], highestPriority: OPTION_DEFAULT_PRIORITY });
    expect(reads).toBe(1);
  });

  it("agrees with the full pipeline when a condition is present", () => {
    const plain = finalDefinitions(["o"], [defaultOf(0), { file: "a", value: mkDefault(1) }, { file: "b", value: mkForce(2) }]);
    const conditional = finalDefinitions(["o"], [defaultOf(0), { file: "a", value: mkDefault(1) }, { file: "b", value: mkIf(true, mkForce(2)) }]);
    expect(conditional).toEqual(plain);
    expect(plain).toEqual({ values: [{ file: "b", value: 2 }], highestPriority: 50 });
  });
});
