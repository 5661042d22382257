/**
 * The mixing-sets example: two releases of `@kiln/pkgs` side by side (the
 * older through a pnpm alias) and a third-party overlay, in one config.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HOST_TOOL_SANDBOX_PATHS, buildDerivationGraph, fetchSettingsFromEnvironment, LocalRealiser, LocalStore, setStoreDir, targetsOf, type Derivation } from "@kiln/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = fileURLToPath(new URL(".", import.meta.url));
const mirror = resolve(process.env["KILN_SOURCE_MIRROR"] ?? join(here, "../../.cache/sources"));
/** The Debian download cache, which has the hermetic stdenv's .debs (the newer release's sed builds with it). */
const debianCache = resolve(process.env["KILN_DEBIAN_CACHE"] ?? join(here, "../../.cache/debian"));
const versionOf = (alias: string): string => (JSON.parse(readFileSync(join(here, "node_modules", alias, "package.json"), "utf8")) as { version: string }).version;

let root = "";
let example: typeof import("./kiln.js");
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "kiln-mixing-sets-"));
  setStoreDir(join(root, "store"));
  example = await import("./kiln.js");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The input derivation paths of a derivation. */
const inputDrvs = (drv: Derivation): string[] => [...drv.drv.inputDrvs.keys()];

describe("mixing package sets", () => {
  it("installs two releases of @kiln/pkgs side by side", () => {
    expect(versionOf("@kiln/pkgs-0.1")).toBe("0.1.0");
    expect(versionOf("@kiln/pkgs")).toBe("0.2.0");
  });

  it("pins GNU hello to the older release, and the third-party package uses the pinned one", () => {
    const { pkgs, stable } = example;
    const motd = pkgs.motd;
    expect(pkgs.hello).toBe(stable.hello);
    expect(motd.name).toBe("motd");
    expect(inputDrvs(motd)).toContain(stable.hello.drvPath);
  });

  it("keeps the older set's own fixpoint: overlays on the newer set do not reach it", () => {
    const { pkgs, stable } = example;
    const changed = pkgs.extend((_final, prev) => ({ hello: prev.hello.overrideAttrs({ doCheck: false }) }));
    expect(changed.hello.drvPath).not.toBe(stable.hello.drvPath);
    expect(inputDrvs(changed.motd)).toContain(changed.hello.drvPath);
    expect(inputDrvs(stable.hello)).not.toContain(changed.hello.drvPath);
    expect(example.pkgs.hello.drvPath).toBe(stable.hello.drvPath);
  });

  it("builds the environment of tools from all three sets", async (context) => {
    const { env, pkgs } = example;
    const source = (pkgs.hello as unknown as { src: Derivation }).src.drv.env.get("outputHash") ?? "";
    const hex = Buffer.from(source.replace(/^sha256-/, ""), "base64").toString("hex");
    if (!existsSync(join(mirror, "sha256", hex))) {
      context.skip(`GNU hello's source is not in ${mirror}; run scripts/fetch-sources`);
      return;
    }
    const store = LocalStore.open({ storeDir: join(root, "store"), stateDir: join(root, "state") });
    try {
      // The 0.1 release's stdenv builds with the host's tools without asking the sandbox for them (it predates
      // kilnImpureHostPaths), so this realiser shows them to every build, as the sandbox did when 0.1 was made.
      const realiser = new LocalRealiser({ store, sandboxPaths: HOST_TOOL_SANDBOX_PATHS, fetchSettings: fetchSettingsFromEnvironment({ KILN_HASHED_MIRRORS: `${mirror} ${debianCache}`, KILN_FETCH_ATTEMPTS: "1" }) });
      const result = await realiser.realise(buildDerivationGraph([env]), targetsOf([env]), { jobs: 2 });
      expect(result.failed).toEqual([]);
      const bin = join(env.outputs.out?.path ?? "", "bin");
      expect(readdirSync(bin).sort()).toEqual(["hello", "motd", "sed"]);
      expect(execFileSync(join(bin, "motd"), ["Ada"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } })).toBe("Welcome to Acme, Ada.\n");
    } finally {
      store.close();
    }
  }, 300_000);
});
