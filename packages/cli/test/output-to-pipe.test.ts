// Kiln's output reaches a reader that is slower than Kiln whole: the process
// ends only once what it printed is written to the pipe.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KILN_BIN } from "./run-kiln.js";

const root = mkdtempSync(join(tmpdir(), "kiln-pipe-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("output to a pipe", () => {
  it("kiln eval --json of a value larger than a pipe's buffer reaches a reader that waits before reading", async () => {
    writeFileSync(join(root, "kiln.ts"), `export default Object.fromEntries(Array.from({ length: 20000 }, (_, i) => ["key" + i, "value " + i]));\n`);
    const child = spawn(process.execPath, [KILN_BIN, "eval", "kiln.ts", "--json"], { cwd: root, env: { ...process.env, KILN_EVAL_CACHE: "0" } });
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    // Nothing is read until the child has had time to print and finish: the pipe (64 KiB) fills, the rest waits in the child.
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stdout.resume();
    const status = await closed;
    expect(status).toBe(0);
    const text = Buffer.concat(chunks).toString("utf8");
    expect(text.length).toBeGreaterThan(400_000);
    const value = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(value)).toHaveLength(20000);
    expect(value["key19999"]).toBe("value 19999");
  });
});
