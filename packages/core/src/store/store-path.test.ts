import { describe, expect, it } from "vitest";
import { hashString } from "./hash.js";
import {
  computeTextPath,
  InvalidStorePathError,
  InvalidStorePathNameError,
  makeFixedOutputPath,
  parseStorePath,
  toStorePath,
  validateStorePathName,
} from "./store-path.js";

describe("store path names follow Nix 2.8's rules", () => {
  it.each([
    ["", /it is empty/],
    ["a".repeat(212), /longer than 211 characters \(212\)/],
    ["hello world", /contains the character " "/],
    ["caf\u00e9", /contains the character "\u00e9"/],
  ])("refuses %j", (name, message) => {
    expect(() => validateStorePathName(name)).toThrow(InvalidStorePathNameError);
    expect(() => validateStorePathName(name)).toThrow(message);
  });

  it.each(["a", "a".repeat(211), ".dotfile", "0digit", "+-._?=", "-leading"])("accepts %j", (name) => {
    expect(() => validateStorePathName(name)).not.toThrow();
  });
});

describe("store paths", () => {
  it("computes builtins.toFile's path (text with no references)", () => {
    // nix-instantiate --eval -E 'builtins.toFile "hello.txt" "hello world\n"' (fixture t0)
    expect(computeTextPath("hello.txt", "hello world\n", [])).toBe("/nix/store/9gz0m5kka3amb4g3263rlxx9j5518j5z-hello.txt");
  });

  it("depends on the store directory", () => {
    const hash = hashString("sha256", "x");
    expect(makeFixedOutputPath("recursive", hash, "x", "/opt/store")).toMatch(/^\/opt\/store\/[0-9a-z]{32}-x$/);
    expect(makeFixedOutputPath("recursive", hash, "x", "/opt/store").slice(-34)).not.toBe(makeFixedOutputPath("recursive", hash, "x").slice(-34));
  });

  it("only recursive sha256 paths may have references", () => {
    expect(() => makeFixedOutputPath("flat", hashString("sha256", "x"), "x", "/nix/store", ["/nix/store/00000000000000000000000000000000-a"])).toThrow(InvalidStorePathError);
  });

  it("parses store paths and paths inside them", () => {
    const path = "/nix/store/9gz0m5kka3amb4g3263rlxx9j5518j5z-hello.txt";
    expect(parseStorePath(path)).toEqual({ storeDir: "/nix/store", hashPart: "9gz0m5kka3amb4g3263rlxx9j5518j5z", name: "hello.txt" });
    expect(toStorePath(`${path}/bin/x`)).toBe(path);
    expect(() => parseStorePath("/nix/store/short-x")).toThrow(/not a valid store path/);
    expect(() => parseStorePath("/elsewhere/9gz0m5kka3amb4g3263rlxx9j5518j5z-x")).toThrow(/not in the Nix store/);
  });
});
