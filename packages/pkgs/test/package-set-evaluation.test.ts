/**
 * How a package set evaluates its attributes, as Nix evaluates thunks: each
 * package once, whichever view (`final`, a later overlay's `prev`) reads it
 * first; again after it threw; and callPackage's arguments as a view of the
 * set with the overrides over it, showing nothing of their own.
 */
import { describe, expect, it } from "vitest";
import { derivation, derivationPathsComputed, type Derivation } from "@kiln/formats";
import { makePkgs, type PackageSet } from "../src/index.js";

interface Counted extends PackageSet {
  readonly greeting: { readonly text: string };
  readonly flaky: string;
}

describe("package set evaluation", () => {
  it("evaluates a package once, whether final or a later overlay's prev reads it first", () => {
    let runs = 0;
    const pkgs = makePkgs<Counted>({
      overlays: [
        () => ({
          get greeting() {
            runs += 1;
            return { text: "hello" };
          },
        }),
        (_final, prev) => ({
          get wrapped() {
            return prev.greeting;
          },
        }),
      ],
    });
    const first = pkgs["wrapped"];
    expect(runs).toBe(1);
    expect(pkgs.greeting).toBe(first);
    expect(pkgs.extend(() => ({}))["wrapped"]).toEqual(first);
    expect(runs).toBe(2); // the extended set is a new fixpoint: its own evaluation, once
    expect(pkgs.greeting).toBe(first);
    expect(runs).toBe(2);
  });

  it("evaluates a package that threw again when it is read again, and reports one that reads itself", () => {
    let fail = true;
    const pkgs = makePkgs<Counted>({
      overlays: [
        (final) => ({
          get flaky() {
            if (fail) throw new Error("not yet");
            return "now";
          },
          get itself(): unknown {
            return final["itself"];
          },
        }),
      ],
    });
    expect(() => pkgs.flaky).toThrow("not yet");
    fail = false;
    expect(pkgs.flaky).toBe("now");
    expect(() => pkgs["itself"]).toThrow("infinite recursion: 'itself' (from overlay 1) needs its own value");
    // Reported again, not taken for a value.
    expect(() => pkgs["itself"]).toThrow("infinite recursion");
  });

  it("gives callPackage's function the set with the overrides over it, and nothing else", () => {
    const pkgs = makePkgs<Counted>({ overlays: [() => ({ greeting: { text: "hello" }, flaky: "set" })] });
    let seen: Record<string, unknown> = {};
    pkgs.callPackage((args: { greeting: { text: string }; flaky: string; extra: number }) => {
      seen = args;
      return { text: `${args.greeting.text} ${args.flaky} ${args.extra}` };
    }, { flaky: "overridden", extra: 1 });
    expect(seen["flaky"]).toBe("overridden");
    expect(seen["greeting"]).toEqual({ text: "hello" });
    expect("extra" in seen && "greeting" in seen && "callPackage" in seen).toBe(true);
    expect(Object.keys(seen)).toEqual(expect.arrayContaining(["greeting", "flaky", "extra", "callPackage"]));
    expect(Object.keys(seen).filter((key) => key === "flaky")).toHaveLength(1);
    // Nothing inherited, and nothing of the view's own making.
    expect(Object.getPrototypeOf(seen)).toBe(null);
    for (const name of ["toString", "set", "overrides", "read", "has"]) {
      expect(name in seen).toBe(false);
      expect(seen[name]).toBeUndefined();
      expect(Object.getOwnPropertyDescriptor(seen, name)).toBeUndefined();
    }
    expect(Object.getOwnPropertyDescriptor(seen, "flaky")?.get?.()).toBe("overridden");
  });

  it("never hashes a package that an overlay replaces by overriding it, as Nix never forces its drvPath", () => {
    interface Replaced extends PackageSet {
      readonly base: Derivation;
      readonly tool: Derivation & { override(update: { flavour: string }): Derivation };
    }
    const made: Derivation[] = [];
    const tool = ({ base, flavour }: { base: Derivation; flavour: string }): Derivation => {
      const drv = derivation({ name: `tool-${flavour}`, system: "x86_64-linux", builder: "/bin/sh", base });
      made.push(drv);
      return drv;
    };
    const pkgs = makePkgs<Replaced>({
      overlays: [
        (final) => ({
          get base() {
            return derivation({ name: "base", system: "x86_64-linux", builder: "/bin/sh" });
          },
          get tool() {
            return final.callPackage(tool, { flavour: "plain" });
          },
        }),
        (_final, prev) => ({
          get tool() {
            return prev.tool.override({ flavour: "patched" });
          },
        }),
      ],
    });
    expect(pkgs.tool.drvPath).toMatch(/-tool-patched\.drv$/);
    expect(made.map((each) => [each.name, derivationPathsComputed(each)])).toEqual([
      ["tool-plain", false],
      ["tool-patched", true],
    ]);
    expect(derivationPathsComputed(pkgs.base)).toBe(true);
  });
});
