/**
 * Specifications of the parts of nixpkgs' `lib` that ported NixOS,
 * home-manager and flake-parts modules use: documentation literals,
 * `mkAssert`, and machine evaluations whose `assertions`/`warnings` come
 * from a module (which a ported module may replace).
 */
import { describe, expect, it } from "vitest";
import { ASSERTIONS_MODULE_KEY, AssertionFailedError, AssertionsFailedError, LiteralText, defineMachine, lib, literalExpression, literalMD, mkAssert, mkOption, optionsToJson, types } from "../src/index.js";
import { errorOf, evaluate } from "./evaluate.js";
import { testPackageSet } from "./machine/fixture.js";

describe("literalExpression and literalMD", () => {
  it("are nixpkgs' { _type, text } literals, shown as their text in option documentation", () => {
    const expression = literalExpression("config.networking.hostName");
    expect(expression).toBeInstanceOf(LiteralText);
    expect([expression.kind, expression.text]).toEqual(["literalExpression", "config.networking.hostName"]);
    expect(lib.literalMD("*the host name*").kind).toBe("literalMD");
    const docs = optionsToJson(
      evaluate([{ options: { name: mkOption({ type: types.str, default: "x", defaultText: literalExpression("config.networking.hostName"), example: literalMD("a *short* name"), description: "d" }) } }]).options,
    );
    expect(docs["name"]?.default).toBe("config.networking.hostName");
    expect(docs["name"]?.example).toBe("a *short* name");
  });
  it("refuse a text that is not a string, with nixpkgs' message", () => {
    expect(() => literalExpression(3 as unknown as string)).toThrow("literalExpression expects a string.");
    expect(() => literalMD({} as unknown as string)).toThrow("literalMD expects a string.");
  });
});

describe("mkAssert", () => {
  const options = { options: { port: mkOption({ type: types.port, default: 80 }) } };
  it("with a true assertion is the definition itself", () => {
    expect(evaluate([options, { port: mkAssert(true, "unused", 8080) }]).config.port).toBe(8080);
    expect(evaluate([options, { port: lib.mkAssert(() => true, "unused", 8081) }]).config.port).toBe(8081);
  });
  it("with a false assertion fails with nixpkgs' \"Failed assertion\" when the option is merged, not before", () => {
    const result = evaluate([options, { port: mkAssert(false, "the port must be free", 8080) }, { options: { other: mkOption({ type: types.int, default: 1 }) } }]);
    expect(result.config.other).toBe(1);
    const error = errorOf(() => result.config.port);
    expect(error).toBeInstanceOf(AssertionFailedError);
    expect(error.message).toContain("Failed assertion: the port must be free");
  });
});

describe("machine evaluations declare assertions and warnings through a module", () => {
  const pkgs = testPackageSet();
  it("a machine module's failing assertion still stops the machine", () => {
    expect(() => defineMachine({ pkgs, modules: [{ assertions: [{ assertion: false, message: "no" }] }] })).toThrow(AssertionsFailedError);
  });
  it("a ported module declaring them (as NixOS's misc/assertions.nix) replaces the built-in one through disabledModules", () => {
    const ported = {
      disabledModules: [ASSERTIONS_MODULE_KEY],
      options: { assertions: mkOption({ type: types.listOf(types.unspecified), default: [] }), warnings: mkOption({ type: types.listOf(types.str), default: [] }) },
    };
    expect(() => defineMachine({ pkgs, modules: [ported, { assertions: [{ assertion: false, message: "ported" }] }] })).toThrow("Failed assertions:\n- ported");
  });
});
