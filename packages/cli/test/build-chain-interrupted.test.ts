/**
 * A long chain of trivial builds (each build's dependents start while it
 * registers its outputs, through the builder spawner) killed with SIGKILL
 * at several points: the store stays consistent each time (what is
 * registered is complete, with its references registered, and the SQLite
 * file passes its own check), and a later run finishes the chain.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";
import { startKiln, waitFor, withDatabase, writeShellConfig } from "./kiln-project.js";

const NODES = 200;
let root = "";
let env: NodeJS.ProcessEnv = {};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-chain-"));
  env = { KILN_STORE_DIR: join(root, "store") };
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

/** Checks the store: the database file's integrity, every registered path's references registered, and `kiln store verify --check-contents`. */
function expectConsistentStore(): void {
  withDatabase(join(root, "var", "kiln"), (database) => {
    expect(database.db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(database.db.pragma("foreign_key_check")).toEqual([]);
    for (const path of database.allValidPaths()) {
      expect(existsSync(path), path).toBe(true);
      for (const reference of database.pathInfo(path)?.references ?? []) expect(database.isValid(reference), `${path} refers to ${reference}`).toBe(true);
    }
  });
  const verify = runKiln(["store", "verify", "--check-contents"], root, env);
  expect(verify.stderr).toMatch(/all good/);
  expect(verify.status).toBe(0);
}

describe("kiln build of a long chain, killed", () => {
  it("after kill -9 at several points the store is consistent each time, and the next run completes the chain", async () => {
    // Node i needs node i-1 and node i/10 (as the realise benchmark's graph) and, built, leaves a mark outside the store.
    writeShellConfig(
      root,
      `const nodes: Derivation[] = [];
for (let i = 0; i < ${NODES}; i++) {
  const deps = i === 0 ? "" : \`\${nodes[i - 1]} \${nodes[Math.floor(i / 10)]}\`;
  nodes.push(sh(\`chain-\${i}\`, \`echo \${deps} > "$out"; : > ${root}/reached-\${i}\`, { deps }));
}
export default nodes[${NODES - 1}];`,
    );
    const args = ["build", "kiln.ts", "--no-sandbox", "-j", "2", "--no-link"];
    for (const mark of [40, 120]) {
      const run = startKiln(args, root, env);
      await waitFor(() => existsSync(join(root, `reached-${mark}`)), 60_000);
      run.child.kill("SIGKILL");
      await run.done;
      expectConsistentStore();
    }
    const last = runKiln(args, root, env);
    expect(last.status).toBe(0);
    const out = last.stdout.trim();
    expect(out).toMatch(new RegExp(`-chain-${NODES - 1}$`));
    expect(readFileSync(out, "utf8").trim().split(" ")).toHaveLength(2);
    expectConsistentStore();
    const valid = withDatabase(join(root, "var", "kiln"), (database) => database.allValidPaths());
    expect(valid.filter((path) => /-chain-\d+$/.test(path))).toHaveLength(NODES);
  });
});
