// `pnpm bench startup`: how fast the installed `kiln` starts, side by side
// with its peers in one run (rounds interleaved):
//
// 1. `kiln --version` against `node -e 0` (Node's own start-up, the floor);
//    goal: within 1.5x.
// 2. A no-op `kiln build` of examples/hello (built once, untimed; then
//    answered from the evaluation cache and found valid; also with the
//    cache off, evaluated each time) against `nix-build`'s no-op of the same
//    derivation (bench/startup/hello.nix, whose .drv path is Kiln's for
//    /nix/store); goal: within 2x.
//
// The CLI is packed (`pnpm run pack-cli`) and installed with npm into a
// temporary prefix, as a user installs it; the checkout's `kiln` (unbundled,
// started by path) is timed beside it for comparison. BENCH_ROUNDS (15)
// sets the rounds; KILN_BIN=PATH times that `kiln` instead of installing one.
//
// Where NODE_EXTRA_CA_CERTS is set, both parts run twice: with the
// environment as given (Node 20 reads and parses those certificates at every
// start, `node -e 0` included; the installed `kiln` defers them for what it
// answers without downloading) and with the variable unset.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KILN, has, installPackedKiln, ms, reportSides, sideBySide, timed } from "./common.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const repo = fileURLToPath(new URL("..", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "kiln-bench-startup-"));
const NIX_OPTIONS = ["--option", "sandbox", "false", "--option", "build-users-group", "", "--option", "substituters", ""];

/** Times both parts in the environment `env`, each heading followed by `label`. */
function startup(installed, hello, label, env) {
  const kilnEnv = { ...env, KILN_STORE_DIR: join(root, "store"), KILN_STATE_DIR: join(root, "state"), KILN_CACHE_DIR: join(root, "cache") };
  const version = [
    { name: "kiln --version (installed)", command: installed, args: ["--version"], options: { env } },
    { name: "node -e 0", command: process.execPath, args: ["-e", "0"], options: { env } },
    { name: "kiln --version (checkout, by path)", command: process.execPath, args: [KILN, "--version"], options: { env } },
  ];
  // One untimed run each, so that no side pays for a cold disk cache.
  for (const side of version) timed(side.command, side.args, side.options);
  reportSides(`start-up${label}, median of ${rounds}:`, version, sideBySide(version, rounds), 1.5);

  const build = [{ name: "kiln build (no-op, installed)", command: installed, args: ["build", `${hello}#hello`, "--no-link"], options: { env: kilnEnv } }];
  if (has("nix-build")) {
    build.push({ name: "nix-build (no-op)", command: "nix-build", args: [join(repo, "bench", "startup", "hello.nix"), "--no-out-link", ...NIX_OPTIONS], options: { env: { ...env, NIX_REMOTE: "" } } });
  } else {
    console.log("(nix-build not found: Kiln's side alone)");
  }
  build.push({ name: "kiln build (no-op, checkout)", command: process.execPath, args: [KILN, "build", `${hello}#hello`, "--no-link"], options: { env: kilnEnv } });
  // The same no-op, evaluating the config as if it had changed (the evaluation cache off).
  build.push({ name: "kiln build (no-op, installed, eval)", command: installed, args: ["build", `${hello}#hello`, "--no-link"], options: { env: { ...kilnEnv, KILN_EVAL_CACHE: "0" } } });
  // The first builds, untimed: everything after is a no-op.
  for (const side of build) timed(side.command, side.args, side.options);
  const medians = sideBySide(build, rounds);
  if (build[1].name.startsWith("nix-build")) reportSides(`no-op build of examples/hello${label}, median of ${rounds}:`, build, medians, 2);
  else console.log(`no-op build of examples/hello${label}: ${ms(medians[0].wall)}`);
}

try {
  const installed = process.env.KILN_BIN ?? installPackedKiln(root);
  const hello = join(root, "hello");
  // The example copied, so that no `result` link lands in the checkout.
  cpSync(join(repo, "examples", "hello"), hello, { recursive: true, filter: (source) => !source.includes("node_modules") });
  const environments = [["", process.env]];
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const { NODE_EXTRA_CA_CERTS: _certificates, ...unset } = process.env;
    environments[0][0] = ` (NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS}, as given)`;
    environments.push([" (NODE_EXTRA_CA_CERTS unset)", unset]);
  }
  for (const [label, env] of environments) startup(installed, hello, label, env);
} finally {
  spawnSync("chmod", ["-R", "u+w", root], { stdio: "ignore" });
  rmSync(root, { recursive: true, force: true });
}
