/** The packages example: a make-built C program (with its tests), a shell tool using it, and an environment of both. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDerivationGraph, fetchSettingsFromEnvironment, LocalRealiser, LocalStore, setStoreDir, targetsOf } from "@kiln/core";
import { expect, it } from "vitest";

/** The Debian download cache, which has the hermetic stdenv's .debs (the first build fetches and unpacks its toolchain). */
const debianCache = process.env["KILN_DEBIAN_CACHE"] ?? fileURLToPath(new URL("../../.cache/debian", import.meta.url));

it("builds the environment and its tools work", { timeout: 300_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), "kiln-example-packages-"));
  try {
    setStoreDir(join(root, "store"));
    const { env } = await import("./kiln.js");
    const store = LocalStore.open({ storeDir: join(root, "store"), stateDir: join(root, "state") });
    try {
      const result = await new LocalRealiser({ store, fetchSettings: fetchSettingsFromEnvironment({ ...process.env, KILN_HASHED_MIRRORS: debianCache }) }).realise(buildDerivationGraph([env]), targetsOf([env]), { jobs: 2 });
      expect(result.failed).toEqual([]);
      const out = env.outputs.out?.path ?? "";
      expect(readdirSync(join(out, "bin")).sort()).toEqual(["count-words-in", "wordcount"]);
      writeFileSync(join(root, "text"), "three little words\n");
      expect(execFileSync(join(out, "bin", "count-words-in"), [join(root, "text")], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } })).toBe(`${join(root, "text")}: 3\n`);
    } finally {
      store.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
