// Package sets evaluate to any depth: attributes that read each other in
// chains far longer than the JavaScript stack, in this plain process, with
// errors, cycles and recursions in plain code still reported as they are.
import { describe, expect, it } from "vitest";
import { FixpointError, makePkgs } from "../src/index.js";

/** An overlay of `n` getters `p0…p<n-1>`, each computed by `value(i, final)`. */
function chain(n: number, value: (i: number, final: Record<string, unknown>) => unknown): (final: object) => object {
  return (final) => {
    const attributes = {};
    for (let i = 0; i < n; i++) Object.defineProperty(attributes, `p${i}`, { enumerable: true, get: () => value(i, final as Record<string, unknown>) });
    return attributes;
  };
}

describe("package sets deeper than the JavaScript stack", () => {
  it("an attribute at the end of a 50,000-long chain, each reading the one before, evaluates", () => {
    const pkgs = makePkgs({ overlays: [chain(50_000, (i, final) => (i === 0 ? 0 : (final[`p${i - 1}`] as number) + 1))] }) as Record<string, unknown>;
    expect(pkgs["p49999"]).toBe(49_999);
    expect(pkgs["p25000"]).toBe(25_000);
  });

  it("a chain read by an overlay while it runs (not from a getter) evaluates, an overflow re-running only the getters it interrupted", () => {
    let evaluations = 0;
    const counted = chain(50_000, (i, final) => {
      evaluations++;
      return i === 0 ? 0 : (final[`p${i - 1}`] as number) + 1;
    });
    const eager = (final: object): object => ({ top: (final as Record<string, unknown>)["p49999"] });
    const pkgs = makePkgs({ overlays: [counted, eager] }) as Record<string, unknown>;
    expect(pkgs["top"]).toBe(49_999);
    expect(pkgs["p49999"]).toBe(49_999);
    // Those in progress at an overflow run again; those finished below them do not.
    expect(evaluations).toBeLessThan(2 * 50_000);
  });

  it("a cycle through 20,000 attributes is infinite recursion (a FixpointError), not a stack overflow", () => {
    const n = 20_000;
    const pkgs = makePkgs({ overlays: [chain(n, (i, final) => final[`p${(i + n - 1) % n}`])] }) as Record<string, unknown>;
    expect(() => pkgs[`p${n - 1}`]).toThrow(FixpointError);
    expect(() => pkgs[`p${n - 1}`]).toThrow(/infinite recursion: 'p\d+' \(from overlay 1\) needs its own value/);
  });

  it("an error at the bottom of a deep chain comes out as it is, and the set is not left half-evaluated", () => {
    let broken = true;
    const pkgs = makePkgs({
      overlays: [
        chain(30_000, (i, final) => {
          if (i > 0) return (final[`p${i - 1}`] as number) + 1;
          if (broken) throw new Error("p0 is broken");
          return 0;
        }),
      ],
    }) as Record<string, unknown>;
    expect(() => pkgs["p29999"]).toThrow("p0 is broken");
    broken = false;
    expect(pkgs["p29999"]).toBe(29_999); // nothing was left marked as being evaluated
  });

  it("a recursion in plain code (not through the set) still overflows the stack, and leaves the set usable", () => {
    const forever = (k: number): number => forever(k + 1) + 1;
    const pkgs = makePkgs({ overlays: [chain(5_000, (i, final) => (i === 0 ? forever(0) : final[`p${i - 1}`]))] }) as Record<string, unknown>;
    expect(() => pkgs["p4999"]).toThrow(RangeError);
    expect(() => pkgs["p10"]).toThrow(RangeError); // again the overflow, not a false 'infinite recursion'
    expect(pkgs["callPackage"]).toBeTypeOf("function");
  });
});
