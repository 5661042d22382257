import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDerivationGraph, derivation, path, setStoreDir, targetsOf, toFile } from "@kiln/formats";
import { NixRealiser } from "../../src/index.js";

const hasNix = spawnSync("nix-store", ["--version"]).status === 0;

describe.skipIf(!hasNix)("the nix realiser (real Nix)", () => {
  const realiser = new NixRealiser({ env: { ...process.env, NIX_REMOTE: "" }, extraArgs: ["--option", "substituters", ""] });

  it("builds through Nix at the output paths Kiln predicted, with sources and text files imported", async () => {
    setStoreDir("/nix/store");
    const directory = mkdtempSync(join(tmpdir(), "kiln-nix-"));
    try {
      mkdirSync(join(directory, "src"));
      writeFileSync(join(directory, "src", "message.txt"), "from a local source\n");
      const nonce = `${Date.now()}-${process.pid}`;
      const source = path(join(directory, "src"));
      const note = toFile("note.txt", `mentions ${source}\n`);
      const dep = derivation({ name: "kiln-nix-dep", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", 'read -r line < "$src/message.txt"; echo "$line" > "$out"'], src: source, nonce });
      const top = derivation({
        name: "kiln-nix-top",
        system: "x86_64-linux",
        builder: "/bin/sh",
        args: ["-c", 'read -r a < "$dep"; read -r b < "$note"; echo "$a / $b" > "$out"'],
        dep: `${dep}`,
        note,
      });
      const result = await realiser.realise(buildDerivationGraph([top]), targetsOf([top]));
      expect(result.failed).toEqual([]);
      expect(result.outputs.get(top.drvPath)).toEqual({ out: top.outPath });
      expect(readFileSync(top.outPath, "utf8")).toBe(`from a local source / mentions ${source}\n`);
      // Nix recorded the .drv at the path Kiln computed, with Kiln's exact bytes.
      expect(readFileSync(top.drvPath, "utf8")).toBe(top.aterm);
      const again = await realiser.realise(buildDerivationGraph([top]), targetsOf([top]));
      expect(again.built).toEqual([]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("reports a failing build", async () => {
    setStoreDir("/nix/store");
    const failing = derivation({ name: "kiln-nix-fails", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo nope; exit 2"], nonce: `${Date.now()}` });
    const result = await realiser.realise(buildDerivationGraph([failing]), targetsOf([failing]));
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.message).toContain(`builder for '${failing.drvPath}' failed`);
  });
});
