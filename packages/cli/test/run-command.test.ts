/** `kiln run` and `kiln shell`, run as real processes against a temporary store. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setStoreDir, StoreDatabase } from "@kiln/core";
import { defaultPackageSet } from "@kiln/pkgs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drvNameWithoutVersion } from "../src/run/main-program.js";
import { runKiln } from "./run-kiln.js";

let root = "";
let env: NodeJS.ProcessEnv = {};
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-run-"));
  // Builders here use the host's tools: the sandbox shows them only when asked to.
  env = { KILN_STORE_DIR: join(root, "store"), KILN_SANDBOX_PATHS: "host" };
  // Programs made with plain `derivation` (no stdenv to build): each writes a script into $out/bin.
  writeFileSync(
    join(root, "kiln.ts"),
    `import { derivation } from "@kiln/core";
const program = (name: string, bin: string, script: string, extra: object = {}) =>
  Object.assign(
    derivation({
      name,
      system: "x86_64-linux",
      builder: "/bin/sh",
      args: ["-c", 'mkdir -p "$out/bin" && printf "%s\\\\n" "#!/bin/sh" "$script" > "$out/bin/$bin" && chmod +x "$out/bin/$bin"'],
      PATH: "/usr/bin:/bin",
      bin,
      script,
    }),
    extra,
  );
export const greeter = program("greeter-1.2", "greet", 'echo "hello, $1"; exit 3', { meta: { mainProgram: "greet" } });
export const byPname = program("byname-2.0", "byname", 'echo "run by pname: $*"', { pname: "byname" });
export const byName = program("plain-tool-0.1", "plain-tool", 'echo "run by name"');
export const noProgram = program("quiet-1.0", "other", "true");
export const both = { greeter, byPname };
`,
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

const kiln = (args: readonly string[]) => runKiln(args, root, env);

function validPaths(): string[] {
  const database = new StoreDatabase(join(root, "var", "kiln", "db", "db.sqlite"));
  try {
    return database.allValidPaths();
  } finally {
    database.close();
  }
}

describe("kiln run", () => {
  it("builds the package, runs meta.mainProgram with the arguments after -- and exits with its code", () => {
    const run = kiln(["run", "./kiln.ts#greeter", "--", "world", "--show-trace"]);
    expect(run.stdout).toBe("hello, world\n");
    expect(run.status).toBe(3);
    expect(validPaths().some((path) => path.endsWith("-greeter-1.2"))).toBe(true);
  });

  it("falls back to pname, then to the name without its version, as nix run does", () => {
    const byPname = kiln(["run", "./kiln.ts#byPname", "--", "a", "b"]);
    expect(byPname.stdout).toBe("run by pname: a b\n");
    expect(byPname.status).toBe(0);
    const byName = kiln(["run", "./kiln.ts#byName"]);
    expect(byName.stdout).toBe("run by name\n");
    expect(drvNameWithoutVersion("plain-tool-0.1")).toBe("plain-tool");
    expect(drvNameWithoutVersion("hello-2.10")).toBe("hello");
    expect(drvNameWithoutVersion("word-tools")).toBe("word-tools");
  });

  it("says which program is missing and what bin/ has", () => {
    const run = kiln(["run", "./kiln.ts#noProgram"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/error: quiet-1\.0 has no program \S+-quiet-1\.0\/bin\/quiet \(its bin\/ has other\); set meta\.mainProgram/);
  });

  it("refuses an attribute holding several packages before building any", () => {
    const before = validPaths().filter((path) => !path.endsWith(".drv")).length;
    const run = kiln(["run", "./kiln.ts#both"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("'./kiln.ts#both' holds 2 packages (greeter-1.2, byname-2.0); name one: kiln run ./kiln.ts#both.NAME");
    expect(validPaths().filter((path) => !path.endsWith(".drv")).length).toBe(before);
  });

  it("takes arguments for the program only after --", () => {
    const run = kiln(["run", "./kiln.ts#greeter", "world"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("put the program's arguments after '--': kiln run ./kiln.ts#greeter -- world");
  });
});

describe("kiln shell", () => {
  it("runs the command after --command with every package's bin/ first on PATH", () => {
    const shell = kiln(["shell", "./kiln.ts#greeter", "./kiln.ts#byName", "--command", "sh", "-c", 'greet "$0"; plain-tool; echo "$PATH" | cut -d: -f1-2', "you"]);
    const [greeting, byName, path] = shell.stdout.trimEnd().split("\n");
    expect(greeting).toBe("hello, you");
    expect(byName).toBe("run by name");
    expect(path).toMatch(/^\S+-greeter-1\.2\/bin:\S+-plain-tool-0\.1\/bin$/);
    expect(shell.status).toBe(0);
  });

  it("passes the command's exit code on", () => {
    expect(kiln(["shell", "./kiln.ts#greeter", "-c", "sh", "-c", "exit 9"]).status).toBe(9);
  });
});

describe("@kiln/pkgs#NAME", () => {
  it("names a package of the default package set, as nixpkgs#NAME does", () => {
    const run = kiln(["instantiate", "@kiln/pkgs#hello", "--store-dir", "/nix/store"]);
    expect(run.stderr).toBe("");
    setStoreDir("/nix/store");
    expect(run.stdout.trim()).toBe(defaultPackageSet().hello.drvPath);
  });
});
