/** Helpers for CLI tests that build configs of shell derivations in a temporary store. */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { StoreDatabase } from "@kiln/core";
import { KILN_BIN } from "./run-kiln.js";

/** Writes `dir/kiln.ts` whose default export is `body` (TypeScript), with `sh()` to make shell derivations. */
export function writeShellConfig(dir: string, body: string, file = "kiln.ts"): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    `import { derivation, type Derivation } from "@kiln/core";
const sh = (name: string, script: string, extra: Record<string, string> = {}): Derivation =>
  derivation({ name, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", script], PATH: "/usr/bin:/bin", ...extra });
${body}
`,
  );
  return path;
}

/** A running `kiln` process and its outcome. */
export interface StartedKiln {
  readonly child: ReturnType<typeof spawn>;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts `kiln ARGS` in `cwd` without waiting for it. */
export function startKiln(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): StartedKiln {
  const child = spawn(process.execPath, [KILN_BIN, ...args], { cwd, env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** Waits until `condition()` holds. */
export async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `read` against the store database in `stateDir`, then closes it. */
export function withDatabase<T>(stateDir: string, read: (database: StoreDatabase) => T): T {
  const database = new StoreDatabase(join(stateDir, "db", "db.sqlite"));
  try {
    return read(database);
  } finally {
    database.close();
  }
}
