import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchurl, type Derivation } from "@kiln/core";
import { FixpointError, callPackage, makePkgs, stdenv, writeText, type Package, type PackageSet, type Stdenv } from "../src/index.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

let t: TemporaryStore;
let pkgs: PackageSet;
beforeAll(() => {
  t = temporaryStore();
  // The host toolchain: these test the setup script's phases and hooks; hermetic-stdenv.test.ts builds with the Debian one.
  pkgs = makePkgs({ toolchain: "host" });
});
afterAll(() => t.dispose());

const HASH = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

/** A package whose source URL follows its version through finalAttrs. */
function versioned() {
  // Passthru's type is given: TypeScript cannot infer it through finalAttrs.finalPackage.
  return pkgs.stdenv.mkDerivation<{ readonly tests: Package }>((finalAttrs) => ({
    pname: "greeter",
    version: "1.0",
    get src() {
      return fetchurl({ url: `https://example.org/greeter-${finalAttrs.version}.tar.gz`, hash: HASH });
    },
    passthru: {
      get tests() {
        return pkgs.runCommand("greeter-test", {}, `echo ${finalAttrs.finalPackage.name} > $out`);
      },
    },
  }));
}

const urlOf = (src: unknown): string | undefined => (src as Derivation).drv.env.get("url");

describe("overrideAttrs", () => {
  it("with finalAttrs, a new version flows into the name and the source", () => {
    const base = versioned();
    expect(base.name).toBe("greeter-1.0");
    expect(urlOf(base.src)).toBe("https://example.org/greeter-1.0.tar.gz");
    const newer = base.overrideAttrs({ version: "2.0" });
    expect(newer.name).toBe("greeter-2.0");
    expect(newer.version).toBe("2.0");
    expect(urlOf(newer.src)).toBe("https://example.org/greeter-2.0.tar.gz");
    expect(newer.drv.env.get("src")).toBe((newer.src as Derivation).outPath);
    expect(newer.drvPath).not.toBe(base.drvPath);
    // finalPackage is the overridden package.
    expect(newer.tests.drv.env.get("buildCommand")).toContain("greeter-2.0");
    // The original is unchanged.
    expect(base.name).toBe("greeter-1.0");
  });

  it("accepts (finalAttrs, prevAttrs) => …, prevAttrs => …, curried functions and objects", () => {
    const base = pkgs.stdenv.mkDerivation({ pname: "layers", version: "1", configureFlags: ["--a"] });
    // finalAttrs is read in a getter: it exists only once every layer has run.
    const both = base.overrideAttrs((finalAttrs, prevAttrs) => ({
      version: "2",
      get configureFlags() {
        return [...(prevAttrs.configureFlags ?? []), `--b=${String(finalAttrs.version)}`];
      },
    }));
    expect(both.drv.env.get("configureFlags")).toBe("--a --b=2");
    const previous = both.overrideAttrs((prevAttrs) => ({ configureFlags: [...(prevAttrs.configureFlags ?? []), "--c"] }));
    expect(previous.drv.env.get("configureFlags")).toBe("--a --b=2 --c");
    // A later version reaches the getter of an earlier layer.
    expect(previous.overrideAttrs({ version: "3" }).drv.env.get("configureFlags")).toBe("--a --b=3 --c");
    const curried = base.overrideAttrs(((finalAttrs: { version?: string }) => (prevAttrs: { pname?: string }) => ({
      get pname() {
        return `${prevAttrs.pname}-${finalAttrs.version}`;
      },
    })) as never);
    expect(curried.name).toBe("layers-1-1");
    expect(base.overrideAttrs({ dontStrip: true }).drv.env.get("dontStrip")).toBe("1");
  });

  it("gives eager reads of finalAttrs the final value when another layer defines it", () => {
    const eager = pkgs.stdenv.mkDerivation((finalAttrs) => ({ pname: "eager", configureFlags: [`--version=${String(finalAttrs.version)}`] }));
    expect(eager.overrideAttrs({ version: "3" }).drv.env.get("configureFlags")).toBe("--version=3");
  });

  it("lets a layer read its own attributes eagerly, as nixpkgs packages do, by evaluating it again with its first result as finalAttrs", () => {
    let calls = 0;
    const eager = pkgs.stdenv.mkDerivation((finalAttrs) => {
      calls++;
      return { pname: "eager", version: "1.7", configureFlags: [`--version=${String(finalAttrs.version)}`] };
    });
    expect(eager.drv.env.get("configureFlags")).toBe("--version=1.7");
    expect(calls).toBe(2);
    expect(eager.overrideAttrs({ version: "2" }).drv.env.get("configureFlags")).toBe("--version=2");
  });

  it("takes a package written as in nixpkgs: src read from finalAttrs.version without a getter, also after overrideAttrs", () => {
    const x = pkgs.stdenv.mkDerivation((finalAttrs) => ({
      pname: "x",
      version: "1.7",
      src: fetchurl({ url: `mirror://gnu/x/x-${String(finalAttrs.version)}.tar.gz`, hash: HASH }),
    }));
    expect(x.name).toBe("x-1.7");
    expect(urlOf(x.src)).toBe("mirror://gnu/x/x-1.7.tar.gz");
    expect(urlOf(x.overrideAttrs({ version: "1.8" }).src)).toBe("mirror://gnu/x/x-1.8.tar.gz");
  });

  it("reports a real cycle through finalAttrs, and self-dependent getters", () => {
    expect(() => pkgs.stdenv.mkDerivation((finalAttrs) => ({ pname: "cycle", version: `${String(finalAttrs.version)}.1` }))).toThrow(FixpointError);
    expect(() => pkgs.stdenv.mkDerivation((finalAttrs) => ({ pname: "cycle", version: `${String(finalAttrs.version)}.1` }))).toThrow(
      "infinite recursion: mkDerivation's attribute function reads finalAttrs.version to compute 'version' itself, and its value never settles",
    );
    expect(() =>
      pkgs.stdenv.mkDerivation((finalAttrs) => ({
        name: "loop",
        get configureFlags() {
          return finalAttrs.configureFlags;
        },
      })),
    ).toThrow("infinite recursion: 'configureFlags' (from mkDerivation's attribute function) needs its own value");
  });
});

/** A package function in nixpkgs' style: its parameter destructures what it needs from the set. */
const greetingPackage = ({ stdenv, greeting = "Hello" }: { stdenv: Stdenv; greeting?: string }): Package =>
  stdenv.mkDerivation({ pname: "greeting", version: "1", GREETING: greeting, dontUnpack: true, installPhase: 'echo "$GREETING" > "$out"' });

describe("callPackage", () => {
  it("passes the set, and override calls the function again with changed arguments", async () => {
    const hello = pkgs.callPackage(greetingPackage);
    expect(hello.drv.env.get("GREETING")).toBe("Hello");
    const hi = hello.override({ greeting: "Hi" });
    expect(hi.drv.env.get("GREETING")).toBe("Hi");
    expect(hi.overrideArgs).toEqual({ greeting: "Hi" });
    // A function sees the arguments as passed (the set and the overrides, not the function's defaults).
    expect(hi.override((args) => ({ greeting: `${args.greeting ?? "?"}!` })).drv.env.get("GREETING")).toBe("Hi!");
    // Overrides given to callPackage itself.
    expect(pkgs.callPackage(greetingPackage, { greeting: "Hey" }).drv.env.get("GREETING")).toBe("Hey");
    await t.build(hi);
    expect(readFileSync(hi.outPath, "utf8")).toBe("Hi\n");
  });

  it("keeps overrideAttrs through override, and override through overrideAttrs", () => {
    const hello = pkgs.callPackage(greetingPackage);
    const both = hello.overrideAttrs({ version: "2" }).override({ greeting: "Yo" });
    expect(both.name).toBe("greeting-2");
    expect(both.drv.env.get("GREETING")).toBe("Yo");
  });
});

describe("package sets", () => {
  it("apply overlays with final (the finished set) and prev (the set before the overlay)", () => {
    interface Greetings extends PackageSet {
      readonly greeting: string;
      readonly message: Package;
    }
    const set = makePkgs<Greetings>({
      overlays: [
        (final) => ({
          greeting: "hello",
          get message() {
            return final.writeText("message", final.greeting);
          },
        }),
        (_final, prev) => ({ greeting: `${prev.greeting} world` }),
      ],
    });
    expect(set.greeting).toBe("hello world");
    expect(set.message.drv.env.get("text")).toBe("hello world");
    const extended = set.extend((_final, prev) => ({ greeting: `${prev.greeting}!` }));
    expect(extended.greeting).toBe("hello world!");
    expect((extended.message as Package).drv.env.get("text")).toBe("hello world!");
    // The original set is unchanged.
    expect(set.greeting).toBe("hello world");
  });

  it("evaluate only the packages used: a package that throws costs nothing until it is read", () => {
    let evaluated = 0;
    const set = makePkgs({
      overlays: [
        (final) => ({
          get broken(): never {
            throw new Error("broken package evaluated");
          },
          get counted() {
            evaluated += 1;
            return final.writeText("counted", "x");
          },
        }),
      ],
    });
    expect(evaluated).toBe(0);
    expect(set["counted"]).toBe(set["counted"]);
    expect(evaluated).toBe(1);
    expect(() => set["broken"]).toThrow("broken package evaluated");
    expect(Object.keys(set)).toContain("broken");
  });

  it("pass over an overlay that reads final while it runs; one reading what it defines itself is evaluated again, and a real cycle is reported", () => {
    const fine = makePkgs({ overlays: [(final) => ({ shell: (final as PackageSet).stdenv.shell })] });
    expect(fine["shell"]).toBe("/bin/bash");
    const own = makePkgs({ overlays: [(final) => ({ a: "a", b: `${String((final as Record<string, unknown>)["a"])}` })] });
    expect(own["b"]).toBe("a");
    const cycle = makePkgs({ overlays: [(final) => ({ a: `${String((final as Record<string, unknown>)["a"])}+` })] });
    expect(() => cycle["a"]).toThrow("infinite recursion: overlay 1 reads final.a to compute 'a' itself");
  });

  it("let callPackage read packages added by overlays", () => {
    const set = makePkgs({
      overlays: [
        (final) => ({
          greeting: "Bonjour",
          get greeter() {
            return (final as PackageSet).callPackage(greetingPackage);
          },
        }),
      ],
    });
    expect((set["greeter"] as Package).drv.env.get("GREETING")).toBe("Bonjour");
  });
});

describe("the top-level functions", () => {
  it("use the default package set and stdenvs", () => {
    const viaDefault = callPackage(greetingPackage, { greeting: "Salut" });
    expect(viaDefault.drv.env.get("GREETING")).toBe("Salut");
    expect(viaDefault.override({ greeting: "Ciao" }).drv.env.get("GREETING")).toBe("Ciao");
    // The same attributes give the same derivation with the default stdenv as with a fresh set's.
    const fresh = makePkgs();
    expect(viaDefault.drvPath).toBe(fresh.callPackage(greetingPackage, { greeting: "Salut" }).drvPath);
    expect(stdenv.mkDerivation({ name: "plain" }).drvPath).toBe(fresh.stdenv.mkDerivation({ name: "plain" }).drvPath);
    expect(writeText("same", "text").outPath).toBe(fresh.writeText("same", "text").outPath);
  });
});
