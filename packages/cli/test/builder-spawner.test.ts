import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startKiln, waitFor, withDatabase, writeShellConfig } from "./kiln-project.js";

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-spawner-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

/** Process `pid`'s parent, or `undefined` once it is gone (a zombie counts as gone). */
function parentOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "latin1");
    const [state, parent] = fields.slice(fields.lastIndexOf(")") + 2).split(" ");
    return state === "Z" || state === "X" ? undefined : Number(parent);
  } catch {
    return undefined;
  }
}

describe("kiln build's builder spawner", () => {
  it("starts the builders, and when Kiln is killed with -9 mid-build it stops them and exits", async () => {
    const pidFile = join(root, "builder.pid");
    // Enough builds for a spawner (SPAWNER_MIN_BUILDS): sixteen trivial ones first.
    writeShellConfig(
      root,
      `const pad = Array.from({ length: 16 }, (_, i) => sh(\`pad-\${i}\`, 'echo > "$out"')).join(" ");
export default sh("orphaned", \`: \${pad}; echo $$ > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; exec sleep 60\`);`,
    );
    const env = { KILN_STORE_DIR: join(root, "store") };
    const kiln = startKiln(["build", "kiln.ts", "--no-sandbox"], root, env);
    await waitFor(() => existsSync(pidFile));
    const builder = Number(readFileSync(pidFile, "utf8"));
    const spawner = parentOf(builder);
    expect(spawner).toBeDefined();
    // The builder is not Kiln's child but the spawner's, and the spawner is Kiln's.
    expect(spawner).not.toBe(kiln.child.pid);
    expect(parentOf(spawner as number)).toBe(kiln.child.pid);
    kiln.child.kill("SIGKILL");
    await kiln.done;
    await waitFor(() => parentOf(builder) === undefined && parentOf(spawner as number) === undefined);
    expect(withDatabase(join(root, "var", "kiln"), (database) => database.allValidPaths()).filter((path) => path.endsWith("-orphaned"))).toEqual([]);
  });
});
