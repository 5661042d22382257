import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { buildWithTimes } from "./build.js";

it("a realiser written outside Kiln builds the hello example through the local one", async () => {
  const root = mkdtempSync(join(tmpdir(), "kiln-custom-"));
  try {
    const hello = fileURLToPath(new URL("../hello/kiln.ts", import.meta.url));
    const { result, times } = await buildWithTimes(`${hello}#hello`, join(root, "store"));
    expect(result.failed).toEqual([]);
    expect([...times.keys()].sort()).toEqual(["hello", "hello-message"]);
    const out = [...result.outputs.values()].find((outputs) => outputs["out"]?.endsWith("-hello"))?.["out"] ?? "";
    expect(readFileSync(out, "utf8")).toContain("greet 'Hello from Kiln!'\n");
    expect(execFileSync("sh", [out], { encoding: "utf8" })).toBe("Hello from Kiln!\n");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
