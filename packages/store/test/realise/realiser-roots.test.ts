/**
 * `Realiser.addRoot`: each realiser registers a link as a root of its own
 * store, and that store's garbage collector keeps the link's target while
 * the link points at it (Nix's `nix-store --add-root`), with a real local
 * store and real Nix.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildDerivationGraph, derivation, setStoreDir, targetsOf } from "@kiln/formats";
import { DryRunRealiser, LocalRealiser, NixRealiser, collectGarbage } from "../../src/index.js";
import { temporaryStore, type TemporaryStore } from "./temporary-store.js";

/** A derivation writing one line, different on every run. */
function line(name: string, text: string) {
  return derivation({ name, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", `echo ${text} > "$out"`], nonce: `${Date.now()}-${process.pid}-${Math.random()}` });
}

describe("the local realiser's addRoot", () => {
  let t: TemporaryStore;
  beforeEach(() => {
    t = temporaryStore();
  });
  afterEach(() => t.dispose());

  it("makes the link and registers it in Kiln's store, so gc keeps the target while the link points at it", async () => {
    const kept = line("kept", "kept");
    const other = line("other", "other");
    await t.realise([kept, other]);
    const link = join(t.root, "result");
    await new LocalRealiser({ store: t.store }).addRoot(link, kept.outPath);
    expect(readlinkSync(link)).toBe(kept.outPath);
    const collected = collectGarbage(t.store);
    expect(collected.deleted).toContain(other.outPath);
    expect(collected.deleted).not.toContain(kept.outPath);
    expect(t.store.isValid(kept.outPath)).toBe(true);
    // Pointed elsewhere, the link keeps the old target no longer.
    await new LocalRealiser({ store: t.store }).addRoot(link, `${t.store.storeDir}/${"0".repeat(32)}-nothing`);
    expect(collectGarbage(t.store).deleted).toContain(kept.outPath);
  });

  it("of the dry-run realiser registers nothing", async () => {
    const built = line("dry", "dry");
    await t.realise([built]);
    const link = join(t.root, "dry-result");
    await new DryRunRealiser({ store: t.store }).addRoot(link, built.outPath);
    expect(existsSync(link)).toBe(false);
    expect(collectGarbage(t.store).deleted).toContain(built.outPath);
  });
});

const hasNix = spawnSync("nix-store", ["--version"]).status === 0;

describe.skipIf(!hasNix)("the nix realiser's addRoot (real Nix)", () => {
  const env = { ...process.env, NIX_REMOTE: "" };
  const realiser = new NixRealiser({ env, extraArgs: ["--option", "substituters", ""] });

  it("registers an indirect root that Nix's collector respects until the link is gone", async () => {
    setStoreDir("/nix/store");
    const directory = mkdtempSync(join(tmpdir(), "kiln-nix-root-"));
    try {
      const built = line("kiln-nix-rooted", "rooted");
      const result = await realiser.realise(buildDerivationGraph([built]), targetsOf([built]));
      expect(result.failed).toEqual([]);
      const link = join(directory, "result");
      await realiser.addRoot(link, built.outPath);
      expect(readlinkSync(link)).toBe(built.outPath);
      // Deleting a path a root keeps alive is refused.
      const refused = spawnSync("nix-store", ["--delete", built.outPath], { env, encoding: "utf8" });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain("alive");
      expect(existsSync(built.outPath)).toBe(true);
      // Without the link, nothing keeps it.
      rmSync(link);
      const deleted = spawnSync("nix-store", ["--delete", built.outPath], { env, encoding: "utf8" });
      expect(deleted.status, deleted.stderr).toBe(0);
      expect(existsSync(built.outPath)).toBe(false);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
