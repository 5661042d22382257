import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setWarningHandler } from "@kiln/core";
import { COMPILER_HOST_TOOLS, hostToolsFingerprint, makePkgs, makeStdenv, probeHostTools, stdenvHost, type HostToolchain } from "../src/index.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

let t: TemporaryStore;
beforeAll(() => {
  t = temporaryStore();
});
afterAll(() => t.dispose());

/** The host's toolchain with one tool's version changed. */
function withVersion(toolchain: HostToolchain, name: string, version: string): HostToolchain {
  return { ...toolchain, tools: toolchain.tools.map((tool) => (tool.name === name ? { ...tool, version } : tool)) };
}

const firstLine = (program: string): string => execFileSync(program, ["--version"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin", LC_ALL: "C" } }).split("\n")[0] ?? "";

describe("the host toolchain", () => {
  it("is asked once per process, and its versions are in stdenvHost's derivation", () => {
    const toolchain = probeHostTools();
    expect(probeHostTools()).toBe(toolchain);
    const hostTools = stdenvHost.derivation.drv.env.get("hostTools") ?? "";
    expect(hostTools).toBe(hostToolsFingerprint(toolchain));
    expect(hostTools).toContain(`gcc: ${firstLine("gcc")}`);
    expect(hostTools).toContain(`make: ${firstLine("make")}`);
    expect(hostTools).toContain(`bash: ${firstLine("bash")}`);
    expect(toolchain.tools.find((tool) => tool.name === "gcc")?.path).toMatch(/^\//);
  });

  it("makes every package depend on it: another compiler version, other store paths", () => {
    const host = probeHostTools();
    const build = (hostTools: HostToolchain) =>
      makePkgs({ hostTools }).stdenv.mkDerivation({ pname: "hashed", version: "1", dontUnpack: true, installPhase: "touch $out" });
    const same = build(host);
    const again = build(host);
    const otherCompiler = build(withVersion(host, "gcc", "gcc (Imaginary) 99.0"));
    expect(again.outPath).toBe(same.outPath);
    expect(otherCompiler.outPath).not.toBe(same.outPath);
    expect(otherCompiler.stdenv.outPath).not.toBe(same.stdenv.outPath);
    // Paths of the tools are not in the hash, only their versions.
    expect(build({ ...host, tools: host.tools.map((tool) => ({ ...tool, path: "/elsewhere" })) }).outPath).toBe(same.outPath);
  });

  it("leaves the compiler out of stdenvNoCC, so a compiler upgrade does not rebuild text files", () => {
    const host = probeHostTools();
    const textWith = (hostTools: HostToolchain) => makePkgs({ hostTools }).writeText("note", "same text");
    expect(makePkgs().stdenvNoCC.derivation.drv.env.get("hostTools")).not.toContain("gcc:");
    expect(textWith(withVersion(host, "gcc", "gcc (Imaginary) 99.0")).outPath).toBe(textWith(host).outPath);
    expect(textWith(withVersion(host, "bash", "GNU bash, version 9.9")).outPath).not.toBe(textWith(host).outPath);
  });

  it("records a missing tool as 'not found' and warns once", () => {
    const warnings: string[] = [];
    setWarningHandler((message) => warnings.push(message));
    try {
      const toolchain = probeHostTools([...COMPILER_HOST_TOOLS, { name: "imaginary-cc", program: "kiln-no-such-compiler" }]);
      expect(toolchain.tools.at(-1)).toEqual({ name: "imaginary-cc", program: "kiln-no-such-compiler", path: undefined, version: "not found" });
      const lacking = makeStdenv({ hostTools: { ...toolchain, tools: toolchain.tools.map((tool) => (tool.name === "gcc" ? { ...tool, path: undefined, version: "not found" } : tool)) } });
      expect(lacking.derivation.drv.env.get("hostTools")).toContain("gcc: not found");
      expect(warnings.join("\n")).toContain("host tools not found on /usr/bin:/bin: gcc");
    } finally {
      setWarningHandler(undefined);
    }
  });
});
