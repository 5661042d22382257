/** Runs the built `kiln` binary as a real process, as a user would. */
import { spawnSync } from "node:child_process";
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
