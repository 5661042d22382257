/**
 * `kiln build --sandbox-paths`: the sandbox shows a plain derivation only
 * `/bin/sh` and its inputs, and the host paths given to the flag (Nix's
 * `extra-sandbox-paths`), at their own place or as `TARGET=SOURCE`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findBubblewrap } from "@kiln/core";
import { runKiln } from "./run-kiln.js";

let root = "";
let env: NodeJS.ProcessEnv = {};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-sandbox-paths-"));
  env = { KILN_STORE_DIR: join(root, "store"), KILN_SANDBOX_PATHS: "" };
  writeFileSync(
    join(root, "kiln.ts"),
    `import { derivation } from "@kiln/core";
const probe = (name: string, path: string) =>
  derivation({ name, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", \`if [ -e \${path} ]; then echo visible > "$out"; else echo absent > "$out"; fi\`] });
export const apt = probe("apt", "/usr/bin/apt");
export const moved = probe("moved", "/opt/tools/apt");
`,
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

describe.skipIf(findBubblewrap() === undefined || !existsSync("/usr/bin/apt"))("kiln build --sandbox-paths", () => {
  it("shows a plain derivation no host /usr without it, and the given host paths with it", () => {
    const without = runKiln(["build", "kiln.ts#apt", "--sandbox", "--no-link"], root, env);
    expect(without.status, without.stderr).toBe(0);
    expect(readFileSync(without.stdout.trim(), "utf8")).toBe("absent\n");
    // Another output path is not made: the same derivation is valid; a rebuild elsewhere shows what the flag changes.
    rmSync(join(root, "store"), { recursive: true, force: true });
    rmSync(join(root, "var"), { recursive: true, force: true });
    const withPaths = runKiln(["build", "kiln.ts#apt", "--sandbox", "--sandbox-paths", "/usr:/lib:/lib64", "--no-link"], root, env);
    expect(withPaths.status, withPaths.stderr).toBe(0);
    expect(readFileSync(withPaths.stdout.trim(), "utf8")).toBe("visible\n");
    const moved = runKiln(["build", "kiln.ts#moved", "--sandbox", "--sandbox-paths", "/opt/tools=/usr/bin", "--no-link"], root, env);
    expect(moved.status, moved.stderr).toBe(0);
    expect(readFileSync(moved.stdout.trim(), "utf8")).toBe("visible\n");
  });
});
