// Output to a pipe: a command whose output is larger than a pipe takes at
// once (and a reader slower than Kiln) still writes every line before Kiln
// exits, as a benchmark or a script reading `kiln instantiate` relies on.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KILN_BIN } from "./run-kiln.js";

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-piped-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

describe("output to a pipe", () => {
  it("kiln instantiate of 3,000 roots writes all 3,000 .drv paths to a pipe before exiting", () => {
    const config = join(root, "many.ts");
    writeFileSync(
      config,
      `import { derivation } from "@kiln/core";
const roots: Record<string, unknown> = {};
for (let i = 0; i < 3000; i++) roots[\`r\${i}\`] = derivation({ name: \`root-\${i}\`, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo > $out"] });
export default roots;
`,
    );
    // spawnSync reads the pipe only as the child writes: the child's writes can outrun it.
    const run = spawnSync(process.execPath, [KILN_BIN, "instantiate", config, "--store-dir", "/nix/store", "--read-only"], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 1 << 26,
      env: { ...process.env, KILN_EVAL_CACHE: "0" },
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(3000);
    expect(new Set(lines).size).toBe(3000);
    expect(lines.every((line) => /^\/nix\/store\/[0-9a-z]{32}-root-\d+\.drv$/.test(line))).toBe(true);
  });
});
