/** Runs the built `kiln` binary as a real process, as a user would. */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const KILN_BIN = fileURLToPath(new URL("../bin/kiln.js", import.meta.url));

export interface KilnRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `kiln ARGS` in `cwd` and returns its exit status and output. Paths are computed for /nix/store (where Kiln writes nothing) unless `env` says otherwise. */
export function runKiln(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): KilnRun {
  const result = spawnSync(process.execPath, [KILN_BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, KILN_STORE_DIR: "/nix/store", ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As {@link runKiln}, without blocking this process (so a server in the test can answer the child). */
export function runKilnAsync(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<KilnRun> {
  const child = spawn(process.execPath, [KILN_BIN, ...args], { cwd, env: { ...process.env, KILN_STORE_DIR: "/nix/store", ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}
