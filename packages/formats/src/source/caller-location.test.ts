import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { callerLocation } from "./caller-location.js";

const scratch = mkdtempSync(join(tmpdir(), "kiln-caller-location-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A module at `package/src/call.mjs` that asks for its caller, skipping `skip`. */
async function callThrough(skip: string): Promise<string | undefined> {
  const file = join(scratch, "package/src/call.mjs");
  mkdirSync(join(scratch, "package/src"), { recursive: true });
  writeFileSync(file, "export function call(callerLocation, skip) { return callerLocation([skip]); }\n");
  const module = (await import(pathToFileURL(file).href)) as { call: (find: typeof callerLocation, skip: string) => ReturnType<typeof callerLocation> };
  return module.call(callerLocation, skip)?.file;
}

describe("callerLocation", () => {
  it("skips a package's src frames when its dist is the code root given (source maps report dist frames at src)", async () => {
    expect(await callThrough(join(scratch, "package/dist"))).toBe(fileURLToPath(import.meta.url));
  });

  it("does not skip a frame outside the roots given", async () => {
    expect(await callThrough(join(scratch, "other/dist"))).toBe(join(scratch, "package/src/call.mjs"));
  });
});
