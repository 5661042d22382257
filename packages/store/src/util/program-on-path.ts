/**
 * Finding a program as a shell does: the first executable `name` in the
 * directories of `PATH` (`/usr/bin:/bin` when `PATH` is unset, as
 * `execvp` falls back).
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The first executable `name` in `env.PATH`'s directories, or `undefined`. */
export function programOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const directory of (env["PATH"] ?? "/usr/bin:/bin").split(delimiter)) {
    if (directory === "") continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here: the next directory.
    }
  }
  return undefined;
}
