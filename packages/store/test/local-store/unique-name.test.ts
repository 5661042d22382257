import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { uniqueNamePart } from "../../src/local-store/unique-name.js";

describe("unique name parts", () => {
  it("never repeat within a process, and differ between processes", () => {
    const here = Array.from({ length: 10_000 }, () => uniqueNamePart());
    expect(new Set(here).size).toBe(here.length);
    for (const part of here.slice(0, 10)) expect(part).toMatch(/^[0-9a-z]+$/);
    // Another process, from the built package (as Kiln runs).
    const module = fileURLToPath(new URL("../../dist/local-store/unique-name.js", import.meta.url));
    const other = spawnSync(process.execPath, ["-e", `import(${JSON.stringify(module)}).then((m) => console.log(m.uniqueNamePart()))`], { encoding: "utf8" });
    expect(other.status).toBe(0);
    expect(here).not.toContain(other.stdout.trim());
    expect(other.stdout.trim().slice(0, 12)).not.toBe(here[0]?.slice(0, 12));
  });
});
