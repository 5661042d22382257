/**
 * `kiln add`: adds a package to a machine's environment.systemPackages by
 * editing the project's kiln.ts, changing nothing else in the file. Each
 * test copies the fixtures of `fixtures/add` (a package set of stand-ins
 * that build in a moment) into a temporary project and a temporary store.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runKiln, type KilnRun } from "./run-kiln.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/add", import.meta.url));

let root = "";
let env: NodeJS.ProcessEnv = {};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kiln-add-"));
  cpSync(FIXTURES, root, { recursive: true });
  env = { KILN_STORE_DIR: join(root, "store") };
});
afterEach(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }));

/** `kiln ARGS` in the project. */
function kiln(...args: string[]): KilnRun {
  return runKiln(args, root, env);
}

/** A project file as the fixtures have it, and as it is in the project now. */
function original(file: string): string {
  return readFileSync(join(FIXTURES, file), "utf8");
}
function current(file: string): string {
  return readFileSync(join(root, file), "utf8");
}

/**
 * The lines only in `after` and only in `before`, found by diffing them
 * line by line (longest common subsequence), so a test sees every change.
 */
function lineDiff(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split("\n");
  const b = after.split("\n");
  // common[i][j]: the length of the longest common subsequence of a[i…] and b[j…].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  const at = (i: number, j: number): number => (common[i] as number[])[j] as number;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) (common[i] as number[])[j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
  }
  const added: string[] = [];
  const removed: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i === a.length || at(i, j + 1) >= at(i + 1, j))) added.push(b[j++] as string);
    else removed.push(a[i++] as string);
  }
  return { added, removed };
}

describe("kiln add", () => {
  it("appends to a multi-line systemPackages array on a line of its own, keeping the last element's comment and the trailing commas", () => {
    const run = kiln("add", "ripgrep", "--machine", "laptop");
    expect(run.stderr).toBe("run 'kiln switch --machine laptop' to apply it\n");
    expect(run.stdout).toBe("added pkgs.ripgrep to machines.laptop in kiln.ts:21\n");
    expect(run.status).toBe(0);
    expect(current("kiln.ts")).toBe(original("kiln.ts").replace('          pkgs.obsPlugins["obs-backgroundremoval"],\n', '          pkgs.obsPlugins["obs-backgroundremoval"],\n          pkgs.ripgrep,\n'));
    expect(lineDiff(original("kiln.ts"), current("kiln.ts"))).toEqual({ added: ["          pkgs.ripgrep,"], removed: [] });
    expect(current("kiln.ts").split("\n")[20]).toBe("          pkgs.ripgrep,");
  });

  it("adds a comma to a multi-line array without a trailing one, after the element and before its comment", () => {
    writeFileSync(
      join(root, "kiln.ts"),
      `import { defineMachine } from "@kiln/modules";
import { pkgs } from "./pkgs.js";

export default {
  machines: {
    laptop: defineMachine({
      pkgs,
      modules: [
        {
          environment: {
            systemPackages: [
              pkgs.jq,
              pkgs.htop // top
            ]
          }
        }
      ]
    })
  }
};
`,
    );
    const before = current("kiln.ts");
    const run = kiln("add", "ripgrep");
    expect(run.stdout).toBe("added pkgs.ripgrep to machines.laptop in kiln.ts:14\n");
    expect(current("kiln.ts")).toBe(before.replace("              pkgs.htop // top\n", "              pkgs.htop, // top\n              pkgs.ripgrep\n"));
  });

  it("keeps a byte order mark and Windows line ends", () => {
    const text = `\uFEFF${original("single/kiln.ts").replace(/\n/g, "\r\n").replace("[pkgs.jq]", "[\r\n\t\t\t\t\tpkgs.jq,\r\n\t\t\t\t]")}`;
    writeFileSync(join(root, "single", "kiln.ts"), text);
    const run = runKiln(["add", "ripgrep"], join(root, "single"), env);
    expect(run.stdout).toBe("added pkgs.ripgrep to machines.desk in kiln.ts:13\n");
    expect(current("single/kiln.ts")).toBe(text.replace("\t\t\t\t\tpkgs.jq,\r\n", "\t\t\t\t\tpkgs.jq,\r\n\t\t\t\t\tpkgs.ripgrep,\r\n"));
  });

  it("appends to a one-line array on the same line, quoting a name that needs it in the file's quote style", () => {
    const server = kiln("add", "fd-find", "--machine", "server");
    expect(server.stdout).toBe(`added pkgs["fd-find"] to machines.server in kiln.ts:30\n`);
    expect(lineDiff(original("kiln.ts"), current("kiln.ts"))).toEqual({
      added: ['    server: defineMachine({ pkgs, modules: [shared, { networking: { hostName: "server" }, environment: { systemPackages: [pkgs.jq, pkgs["fd-find"]] } }] }),'],
      removed: ['    server: defineMachine({ pkgs, modules: [shared, { networking: { hostName: "server" }, environment: { systemPackages: [pkgs.jq] } }] }),'],
    });
  });

  it("picks the only machine when --machine is not given, and keeps tabs and single quotes", () => {
    const run = runKiln(["add", "fd-find"], join(root, "single"), env);
    expect(run.stdout).toBe("added pkgs['fd-find'] to machines.desk in kiln.ts:11\n");
    expect(run.stderr).toBe("run 'kiln switch --machine desk' to apply it\n");
    expect(current("single/kiln.ts")).toBe(original("single/kiln.ts").replace("systemPackages: [pkgs.jq] }", "systemPackages: [pkgs.jq, pkgs['fd-find']] }"));
  });

  it("asks which machine when the project has several and --machine is not given", () => {
    const run = kiln("add", "ripgrep");
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("error: kiln.ts:28:13: the project has 5 machines (laptop, server, bare, builder, worker); say which one with --machine NAME\n");
    expect(current("kiln.ts")).toBe(original("kiln.ts"));
  });

  it("appends a new inline module when no inline module lists packages, naming the set given to defineMachine", () => {
    const run = kiln("add", "ripgrep", "--machine", "bare");
    expect(run.stdout).toBe("added pkgs.ripgrep to machines.bare in kiln.ts:36 (in a new inline module)\n");
    expect(lineDiff(original("kiln.ts"), current("kiln.ts"))).toEqual({ added: ["        { environment: { systemPackages: [pkgs.ripgrep] } },"], removed: [] });
  });

  it("appends a typed module function when the machine's package set is an expression, not a name", () => {
    const run = kiln("add", "ripgrep", "--machine", "builder");
    expect(run.stdout).toBe("added pkgs.ripgrep to machines.builder in kiln.ts:40 (in a new inline module)\n");
    expect(lineDiff(original("kiln.ts"), current("kiln.ts"))).toEqual({
      added: ['      modules: [{ networking: { hostName: "builder" } }, ({ pkgs }: { pkgs: { ripgrep: import("@kiln/modules").PackageValue } }) => ({ environment: { systemPackages: [pkgs.ripgrep] } })],'],
      removed: ['      modules: [{ networking: { hostName: "builder" } }],'],
    });
  });

  it("names the package set as the module's function does", () => {
    const run = kiln("add", "ripgrep", "--machine", "worker");
    expect(run.stdout).toBe("added p.ripgrep to machines.worker in kiln.ts:44\n");
    expect(current("kiln.ts")).toBe(original("kiln.ts").replace("systemPackages: [p.jq] }", "systemPackages: [p.jq, p.ripgrep] }"));
  });

  it("changes nothing when the package is listed already, or installed by another module", () => {
    const listed = kiln("add", "obsPlugins.obs-backgroundremoval", "--machine", "laptop");
    expect(listed.status).toBe(0);
    expect(listed.stdout).toBe(`pkgs.obsPlugins["obs-backgroundremoval"] is already in machines.laptop's systemPackages (kiln.ts:20); nothing changed\n`);
    // htop comes from the imported shared module.
    const shared = kiln("add", "htop", "--machine", "laptop");
    expect(shared.status).toBe(0);
    expect(shared.stdout).toBe("htop is already installed on machines.laptop (one of its modules lists it); nothing changed\n");
    expect(current("kiln.ts")).toBe(original("kiln.ts"));
    expect(readdirSync(root).filter((name) => name.includes("kiln-edit"))).toEqual([]);
  });

  it("rejects a package the machine's set does not have, suggesting close names, and writes nothing", () => {
    const typo = kiln("add", "ripgre", "--machine", "laptop");
    expect(typo.status).toBe(1);
    expect(typo.stderr).toBe("error: the package set of machines.laptop has no package 'ripgre'. Did you mean 'ripgrep'?\n");
    const nested = kiln("add", "obsPlugins.obs-background", "--machine", "laptop");
    expect(nested.stderr).toBe("error: pkgs.obsPlugins has no package 'obs-background'. Did you mean 'obsPlugins.obs-backgroundremoval'?\n");
    const set = kiln("add", "obsPlugins", "--machine", "laptop");
    expect(set.stderr).toBe("error: pkgs.obsPlugins is a set of packages (1 attribute), not a package. Did you mean 'obsPlugins.obs-backgroundremoval'?\n");
    expect(current("kiln.ts")).toBe(original("kiln.ts"));
  });

  it("rejects an unknown machine at the project's machines, listing those there are", () => {
    const run = kiln("add", "ripgrep", "--machine", "desktop");
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("error: kiln.ts:28:13: no machine 'desktop' in the project's machines; its machines are: laptop, server, bare, builder, worker\n");
    expect(current("kiln.ts")).toBe(original("kiln.ts"));
  });

  it("--dry-run prints the change as a unified diff and writes nothing", () => {
    const run = kiln("add", "ripgrep", "--machine", "laptop", "--dry-run");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `--- a/kiln.ts
+++ b/kiln.ts
@@ -18,6 +18,7 @@
         systemPackages: [
           pkgs.jq, // for JSON
           pkgs.obsPlugins["obs-backgroundremoval"],
+          pkgs.ripgrep,
         ],
       },
     },
`,
    );
    expect(run.stderr).toBe("dry run: would add pkgs.ripgrep to machines.laptop in kiln.ts:21; nothing written\n");
    expect(current("kiln.ts")).toBe(original("kiln.ts"));
  });

  it("puts the file back when the edit would not type-check, and says why", () => {
    const run = runKiln(["add", "ripgrep", "--file", "typed/kiln.ts"], root, env);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: typed\/kiln\.ts:12:1: adding pkgs\.ripgrep to machines\.vague would make the config fail to type-check, so the file was left as it was:\n/);
    expect(run.stderr).toContain("error TS2345:");
    expect(run.stderr).toContain("Type 'unknown' is not assignable to type 'Definable<PackageValue>'.");
    expect(current("typed/kiln.ts")).toBe(original("typed/kiln.ts"));
    expect(readdirSync(join(root, "typed"))).toEqual(["kiln.ts"]);
  });

  it("keeps an edit to a config that had type errors before, when it adds none", () => {
    const broken = `${original("single/kiln.ts")}export const answer: number = "forty-two";\n`;
    writeFileSync(join(root, "single", "kiln.ts"), broken);
    const run = runKiln(["add", "ripgrep", "--file", "single/kiln.ts"], root, env);
    expect(run.stdout).toBe("added pkgs.ripgrep to machines.desk in single/kiln.ts:11\n");
    expect(current("single/kiln.ts")).toBe(broken.replace("systemPackages: [pkgs.jq] }", "systemPackages: [pkgs.jq, pkgs.ripgrep] }"));
  });

  it("leaves a config that type-checks and builds, with the added program in the machine's sw/bin", () => {
    expect(kiln("add", "ripgrep", "--machine", "laptop").status).toBe(0);
    expect(kiln("add", "fd-find", "--machine", "builder").status).toBe(0);
    const check = kiln("check", "kiln.ts");
    expect(check.stderr).toBe("kiln.ts: no type errors\n");
    const laptop = kiln("build", "kiln.ts#machines.laptop");
    expect(laptop.status).toBe(0);
    expect(readdirSync(join(root, "result", "sw", "bin")).sort()).toEqual(["htop", "jq", "obs-backgroundremoval", "rg"]);
    const builder = kiln("build", "kiln.ts#machines.builder", "--out-link", "builder");
    expect(builder.status).toBe(0);
    expect(readdirSync(join(root, "builder", "sw", "bin"))).toEqual(["fd"]);
  }, 120_000);
});
