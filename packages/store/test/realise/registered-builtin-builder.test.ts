/**
 * Built-in builders a package registers (as `@kiln/debian` does for
 * unpacking `.deb`s): the local realiser runs them like Kiln's own, scans
 * their output for references, and Kiln's own names cannot be taken.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { FetcherArgumentError, derivation, toFile } from "@kiln/formats";
import { registerBuiltinBuilder } from "../../src/index.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

let store: TemporaryStore | undefined;
afterEach(() => {
  store?.dispose();
  store = undefined;
});

describe("registered built-in builders", () => {
  it("are run by the local realiser, and their output's references are found", async () => {
    store = temporaryStore();
    registerBuiltinBuilder("kiln-test-copy", async (context) => {
      const input = context.drv.env.get("input") ?? "";
      writeFileSync(context.output, `${input}\n${readFileSync(input, "utf8")}`);
    });
    const input = toFile("greeting", "hello\n");
    const copied = derivation({ name: "copied", system: "builtin", builder: "builtin:kiln-test-copy", input });
    const result = await store.realise([copied]);
    expect(result.failed).toEqual([]);
    expect(readFileSync(copied.outPath, "utf8")).toBe(`${input}\nhello\n`);
    expect(store.store.pathInfo(copied.outPath)?.references).toEqual([input]);
  });

  it("cannot replace Kiln's own fetchers", () => {
    expect(() => registerBuiltinBuilder("fetchurl", async () => {})).toThrow(FetcherArgumentError);
  });

  it("fail with the list of known builders when a derivation names an unregistered one", async () => {
    store = temporaryStore();
    const unknown = derivation({ name: "unknown", system: "builtin", builder: "builtin:kiln-test-nothing" });
    const result = await store.realise([unknown]);
    expect(result.failed[0]?.message).toMatch(/builder for .* failed/);
    expect(readFileSync(result.failed[0]?.logPath ?? "", "utf8")).toMatch(/unsupported built-in builder 'builtin:kiln-test-nothing'; Kiln knows .*builtin:fetchurl.*builtin:kiln-test-copy/);
  });
});
