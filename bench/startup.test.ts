// The startup benchmark's peers build the same thing: bench/startup/hello.nix is examples/hello#hello.
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const KILN = fileURLToPath(new URL("../packages/cli/bin/kiln.js", import.meta.url));
const hasNix = spawnSync("nix-instantiate", ["--version"]).status === 0;

describe("the startup benchmark's no-op build", () => {
  it.skipIf(!hasNix)("nix-build's side is the same derivation as kiln build's examples/hello#hello", () => {
    const hello = fileURLToPath(new URL("../examples/hello", import.meta.url));
    const nix = fileURLToPath(new URL("./startup/hello.nix", import.meta.url));
    const kilnPath = execFileSync(process.execPath, [KILN, "instantiate", `${hello}#hello`, "--store-dir", "/nix/store", "--read-only"], { encoding: "utf8" }).trim();
    const nixPath = execFileSync("nix-instantiate", ["--readonly-mode", nix], { encoding: "utf8", env: { ...process.env, NIX_REMOTE: "" }, stdio: ["ignore", "pipe", "ignore"] }).trim();
    expect(kilnPath).toMatch(/-hello\.drv$/);
    expect(kilnPath).toBe(nixPath);
  });
});
