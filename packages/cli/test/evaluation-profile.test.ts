/**
 * `--profile` through the real CLI: the time and derivations of evaluating a
 * config, per file of the config and per package, the slowest first.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

const made: string[] = [];
afterAll(() => {
  for (const root of made) rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

const FILES: Record<string, string> = {
  "modules/slow.ts": `import { derivation } from "@kiln/core";
export function slow() {
  let x = 0;
  for (let i = 0; i < 3e7; i++) x += i % 7;
  return Array.from({ length: 50 }, (_, i) => derivation({ name: \`slow-\${i}\`, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", \`echo \${x} > $out\`] }));
}
`,
  "modules/fast.ts": `import { derivation } from "@kiln/core";
export function fast() {
  return [1, 2, 3].map((i) => derivation({ name: \`fast-\${i}\`, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo > $out"] }));
}
`,
  "kiln.ts": `import { slow } from "./modules/slow";\nimport { fast } from "./modules/fast";\nexport default { slow: slow(), fast: fast() };\n`,
};

function project(): { root: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), "kiln-profile-"));
  made.push(root);
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return { root, env: { KILN_CACHE_DIR: join(root, ".cache"), KILN_STORE_DIR: join(root, "store"), KILN_STATE_DIR: join(root, "state") } };
}

describe("--profile", () => {
  it("kiln eval --profile charges time and derivations to each file of the config, the slow module first", () => {
    const { root, env } = project();
    const run = runKiln(["eval", "kiln.ts", "--json", "--profile"], root, env);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty("fast");
    expect(run.stderr).toMatch(/^evaluation profile: \d+ ms, 53 derivations$/m);
    const slow = /^\s+\d+\s+[\d.]+%\s+50  modules\/slow\.ts$/m.exec(run.stderr);
    const fast = /^\s+\d+\s+[\d.]+%\s+3  modules\/fast\.ts$/m.exec(run.stderr);
    expect(slow, run.stderr).not.toBeNull();
    expect(fast, run.stderr).not.toBeNull();
    expect(slow?.index).toBeLessThan(fast?.index ?? 0);
  });

  it("kiln build --profile evaluates and profiles even a config the evaluation cache could answer", () => {
    const { root, env } = project();
    expect(runKiln(["build", "kiln.ts#fast", "--no-link"], root, env).status).toBe(0);
    const run = runKiln(["build", "kiln.ts#fast", "--no-link", "--profile", "-v"], root, env);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("evaluation cache: off");
    expect(run.stderr).toMatch(/^\s+\d+\s+[\d.]+%\s+50  modules\/slow\.ts$/m);
  });
});
