/**
 * `kiln log DRV|PATH`: print the build log of a derivation or of the
 * derivation that built a path.
 */
import { existsSync, readFileSync } from "node:fs";
import { KilnError, isDerivationPath } from "@kiln/core";
import { defineCommand } from "../settings/define-command.js";
import { UsageError } from "../usage-error.js";
import { resolvePathArgument } from "./path-info.js";

export const logCommand = defineCommand({
  name: "log",
  summary: "Print the build log of a derivation or of what built a path",
  usage: "log DRV|PATH|FILE.ts#attr",
  options: [],
  async run(settings, io, session) {
    const [argument, ...rest] = settings.positionals;
    if (argument === undefined || rest.length > 0) throw new UsageError("usage: kiln log DRV|PATH|FILE.ts#attr");
    const store = session.store();
    const paths = await resolvePathArgument(argument, settings, store);
    for (const path of paths) {
      const drvPaths = isDerivationPath(path) ? [path] : [...store.database.derivers(path), ...[store.pathInfo(path)?.deriver].filter((deriver): deriver is string => deriver !== undefined)];
      const log = drvPaths.map((drvPath) => store.logPath(drvPath)).find((file) => existsSync(file));
      if (log === undefined) throw new KilnError(`no build log is known for '${path}'`);
      io.stdout.write(readFileSync(log));
    }
    return 0;
  },
});
