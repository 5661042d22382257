/**
 * Several processes adding the same `.drv` files and sources to one store at
 * once (as two `kiln build` runs of one config do) must all succeed and leave
 * every path valid with the right contents.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, expect, it } from "vitest";
import { computeTextPath, hashPathSync, makeFixedOutputPath } from "@kiln/formats";
import { LocalStore, verifyStore } from "../../src/index.js";

const STORE_DIST = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
const FORMATS_DIST = createRequire(import.meta.url).resolve("@kiln/formats");

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-concurrent-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

/** A child process that adds 40 text files and one directory, each several times over. */
const WORKER = `
import { LocalStore } from ${JSON.stringify(STORE_DIST)};
import { computeTextPath } from ${JSON.stringify(FORMATS_DIST)};
const [storeDir, stateDir, source, sourcePath] = process.argv.slice(1);
const store = LocalStore.open({ storeDir, stateDir });
for (let round = 0; round < 3; round++) {
  for (let i = 0; i < 40; i++) {
    const text = "text number " + i + "\\n";
    store.addText(computeTextPath("t" + i, text, [], storeDir), text, []);
  }
  store.addLocalPath(sourcePath, source);
}
store.close();
`;

function runWorker(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", WORKER, ...args]);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

it("four processes adding the same paths at once all succeed and leave a consistent store", async () => {
  const storeDir = join(root, "store");
  const stateDir = join(root, "state");
  const source = join(root, "src");
  mkdirSync(join(source, "sub"), { recursive: true });
  for (let i = 0; i < 50; i++) writeFileSync(join(source, "sub", `file-${i}`), `contents ${i}\n`);
  const sourcePath = makeFixedOutputPath("recursive", hashPathSync(source, "sha256").hash, "src", storeDir);

  const results = await Promise.all([1, 2, 3, 4].map(() => runWorker([storeDir, stateDir, source, sourcePath])));
  for (const result of results) expect(result.code, result.stderr).toBe(0);

  const store = LocalStore.open({ storeDir, stateDir });
  try {
    for (let i = 0; i < 40; i++) {
      const text = `text number ${i}\n`;
      const path = computeTextPath(`t${i}`, text, [], storeDir);
      expect(store.isValid(path)).toBe(true);
      expect(readFileSync(path, "utf8")).toBe(text);
    }
    expect(store.isValid(sourcePath)).toBe(true);
    expect(readFileSync(join(sourcePath, "sub", "file-7"), "utf8")).toBe("contents 7\n");
    expect(verifyStore(store, { checkContents: true }).problems).toEqual([]);
  } finally {
    store.close();
  }
}, 60_000);
