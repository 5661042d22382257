/**
 * `kiln store verify --repair` through the real CLI: a valid path deleted
 * or modified by hand is built or fetched again from its derivation, and
 * until then a build that needs it says what is wrong and what to run.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serve, startLoopbackServer, type LoopbackServer } from "../../store/test/fetch/loopback-server.js";
import { runKilnAsync } from "./run-kiln.js";

let root = "";
let env: NodeJS.ProcessEnv = {};
let server: LoopbackServer;
beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), "kiln-repair-"));
  // The builders use the host's tools: the sandbox shows them only when asked to.
  env = { KILN_STORE_DIR: join(root, "store"), KILN_FETCH_ATTEMPTS: "1", KILN_SANDBOX_PATHS: "host" };
  server = await startLoopbackServer();
  server.route("/src.txt", serve("source\n"));
});
afterEach(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

const SOURCE_HASH = `sha256-${createHash("sha256").update("source\n").digest("base64")}`;

function writeConfig(): void {
  writeFileSync(
    join(root, "kiln.ts"),
    `import { derivation, fetchurl } from "@kiln/core";
const sh = (name: string, script: string) => derivation({ name, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", script], PATH: "/usr/bin:/bin" });
const src = fetchurl({ url: "${server.url}/src.txt", hash: "${SOURCE_HASH}" });
export const dep = sh("dep", \`mkdir "$out"; cat \${src} > "$out/file"; echo \${src} > "$out/src"\`);
export const app = sh("app", \`cat \${dep}/file > "$out"; echo \${dep} >> "$out"\`);
export const more = sh("more", \`cat \${dep}/file > "$out"\`);
`,
  );
}

/** Deletes a read-only store path, as a user with `rm -rf` would. */
function deleteByHand(path: string): void {
  if (existsSync(path)) chmodSync(path, 0o755);
  rmSync(path, { recursive: true, force: true });
}

describe("kiln store verify --repair", () => {
  it("rebuilds and refetches paths deleted or modified by hand; meanwhile a build needing one says to run it", async () => {
    writeConfig();
    const built = await runKilnAsync(["build", "kiln.ts#app"], root, env);
    expect(built.status, built.stderr).toBe(0);
    const app = built.stdout.trim();
    const dep = readFileSync(app, "utf8").split("\n")[1] as string;
    const src = readFileSync(join(dep, "src"), "utf8").trim();
    const before = readFileSync(app, "utf8");

    deleteByHand(dep);
    deleteByHand(src);
    const blocked = await runKilnAsync(["build", "kiln.ts#more", "--no-link"], root, env);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toContain(`input '${dep}' of '`);
    expect(blocked.stderr).toContain("is valid in the store database but missing on disk (deleted by hand?); run 'kiln store verify --repair'");

    chmodSync(app, 0o644);
    writeFileSync(app, "tampered\n");
    const check = await runKilnAsync(["store", "verify", "--check-contents"], root, env);
    expect(check.status).toBe(1);
    const repair = await runKilnAsync(["store", "verify", "--check-contents", "--repair"], root, env);
    expect(repair.status, repair.stderr).toBe(0);
    expect(repair.stderr).toContain(`repaired '${dep}'`);
    expect(repair.stderr).toContain(`repaired '${src}'`);
    expect(repair.stderr).toContain(`repaired '${app}'`);
    expect(repair.stderr).toMatch(/checked \d+ paths: all good\n$/);
    expect(readFileSync(app, "utf8")).toBe(before);
    expect(readFileSync(join(dep, "file"), "utf8")).toBe("source\n");
    expect(server.requests.filter((path) => path === "/src.txt")).toHaveLength(2);

    const unblocked = await runKilnAsync(["build", "kiln.ts#more", "--no-link"], root, env);
    expect(unblocked.status, unblocked.stderr).toBe(0);
  });

  it("forgets a missing path that nothing refers to and no derivation makes, and reports one it cannot repair", async () => {
    const file = join(root, "notes.txt");
    writeFileSync(file, "notes\n");
    const prefetched = await runKilnAsync(["prefetch", `file://${file}`], root, env);
    expect(prefetched.status, prefetched.stderr).toBe(0);
    const path = prefetched.stdout.trim().split("\n")[1] as string;
    deleteByHand(path);
    const repair = await runKilnAsync(["store", "verify", "--repair"], root, env);
    expect(repair.status, repair.stderr).toBe(0);
    expect(repair.stderr).toContain(`forgot '${path}'`);
    expect((await runKilnAsync(["path-info", path], root, env)).status).toBe(1);

    writeFileSync(
      join(root, "kiln.ts"),
      `import { derivation, toFile } from "@kiln/core";
const greeting = toFile("greeting", "hello\\n");
export default derivation({ name: "uses", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", \`echo \${greeting} > "$out"\`] });
`,
    );
    const built = await runKilnAsync(["build", "kiln.ts", "--no-link"], root, env);
    expect(built.status, built.stderr).toBe(0);
    const greeting = (await runKilnAsync(["path-info", "--json", built.stdout.trim()], root, env)).stdout;
    const source = /"([^"]*-greeting)"/.exec(greeting)?.[1] as string;
    deleteByHand(source);
    const stuck = await runKilnAsync(["store", "verify", "--repair"], root, env);
    expect(stuck.status).toBe(1);
    expect(stuck.stderr).toMatch(new RegExp(`error: cannot repair '${source}': no derivation known to this store makes it, and \\d+ valid paths refer to it`));
  });
});
