import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runKilnAsync } from "./run-kiln.js";
import { writeShellConfig } from "./kiln-project.js";

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-spawner-fallback-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

/** A config of 17 builds (enough for a spawner), the last writing its parent's command line to its output. */
function writeConfig(tag: string): void {
  writeShellConfig(
    root,
    `const pad = Array.from({ length: 16 }, (_, i) => sh(\`pad-${tag}-\${i}\`, 'echo > "$out"')).join(" ");
export default sh("parent-${tag}", \`: \${pad}; tr '\\\\0' ' ' < /proc/$PPID/cmdline > "$out"\`);`,
  );
}

describe("kiln build's builder spawner", () => {
  it("is the compiled C program, kept in Kiln's cache; without a C compiler builders are started by Node, and -v says why", async () => {
    const env = { KILN_STORE_DIR: join(root, "store"), KILN_CACHE_DIR: join(root, "cache") };
    writeConfig("native");
    const native = await runKilnAsync(["build", "kiln.ts", "--no-sandbox", "--no-link", "-v"], root, env);
    expect(native.status).toBe(0);
    expect(readFileSync(native.stdout.trim(), "utf8")).toMatch(/builderSpawnerProgram-[0-9a-f]{32} /);
    expect(readdirSync(join(root, "cache", "builder-spawner"))).toEqual([expect.stringMatching(/^builderSpawnerProgram-[0-9a-f]{32}$/)]);
    expect(native.stderr).not.toMatch(/native builder spawner/);

    const without = { ...env, KILN_CACHE_DIR: join(root, "cache-without"), KILN_CC: join(root, "no-such-cc") };
    writeConfig("node");
    const verbose = await runKilnAsync(["build", "kiln.ts", "--no-sandbox", "--no-link", "-v"], root, without);
    expect(verbose.status).toBe(0);
    expect(readFileSync(verbose.stdout.trim(), "utf8")).toMatch(/node .*builderSpawnerProgram/);
    expect(verbose.stderr.match(/cannot compile Kiln's native builder spawner with '.*no-such-cc' \(.*ENOENT.*\); builders are started by a Node process instead/g)).toHaveLength(1);
    writeConfig("quiet");
    const quiet = await runKilnAsync(["build", "kiln.ts", "--no-sandbox", "--no-link"], root, without);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).not.toMatch(/native builder spawner/);
  });
});
