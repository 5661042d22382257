/**
 * Running a generation's activation snippets (`system.activationScripts`,
 * `home.activation`) in order, after its files and accounts are in place.
 * Each runs with `KILN_ROOT` set to the root activated into, so a snippet
 * written for `/` also works for `kiln switch --root DIR`.
 */
import { spawnSync } from "node:child_process";
import type { ActivationScript } from "@kiln/formats";
import { ActivationError } from "./activation-errors.js";
import type { ActivationTarget } from "./activation-target.js";

/** What a snippet printed, for the caller to show. */
export interface ScriptOutput {
  readonly name: string;
  readonly output: string;
}

/** Runs `scripts`; throws {@link ActivationError} naming the first that fails, with the end of its output. */
export function runActivationScripts(scripts: readonly ActivationScript[], target: ActivationTarget): ScriptOutput[] {
  const outputs: ScriptOutput[] = [];
  for (const { name, script } of scripts) {
    const result = spawnSync("bash", [script], {
      cwd: target.root,
      encoding: "utf8",
      env: { ...process.env, KILN_ROOT: target.root, KILN_ACTIVATION_KIND: target.kind },
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
    if (result.error !== undefined) throw new ActivationError(`activation script '${name}' (${script}) could not run: ${result.error.message}`);
    if (result.status !== 0) {
      const tail = output.trimEnd().split("\n").slice(-20).join("\n");
      const how = result.signal === null ? `exited with status ${result.status}` : `was killed by ${result.signal}`;
      throw new ActivationError(`activation script '${name}' ${how}${tail === "" ? "" : `:\n${tail}`}`);
    }
    outputs.push({ name, output });
  }
  return outputs;
}
