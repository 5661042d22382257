/**
 * Hostile option values through the real CLI: `kiln switch --root R` stops
 * before touching R (or anything outside it) and `kiln check` reports the
 * same errors, each naming the option and the line of the user's file.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runKiln } from "./run-kiln.js";

let work = "";
let env: NodeJS.ProcessEnv = {};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "kiln-refused-"));
  env = { KILN_STORE_DIR: join(work, "store", "store") };
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes `kiln.ts` declaring machine `m` with the module `module` (TypeScript source) on line 5; returns the project directory. */
function project(name: string, module: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, "kiln.ts"),
    `import { defineMachine, defineMachineModule } from "@kiln/modules";
import { defaultPackageSet } from "@kiln/pkgs";
const pkgs = defaultPackageSet();
const module = defineMachineModule({
  config: ${module},
});
export default { machines: { m: defineMachine({ pkgs, modules: [{ networking: { hostName: "m" } }, module] }) } };
`,
  );
  return dir;
}

/** Every path under `dir` with its contents (files) or kind, to compare trees. */
function snapshot(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    result[path] = entry.isFile() ? readFileSync(path, "utf8") : entry.isDirectory() ? "dir" : "other";
  }
  return result;
}

it("switch --root refuses a home with .. and a forged passwd field, naming option and line, and writes nothing", () => {
  const escaped = join(work, "escaped");
  const dir = project("home", `{ users: { users: { x: { isNormalUser: true, home: "/../../../../../../..${escaped}", description: "Alice:0:0:/root" } } } }`);
  const root = join(work, "root");
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  writeFileSync(join(root, "etc", "group"), "root:x:0:\n");
  const before = snapshot(root);
  const run = runKiln(["switch", "--root", root], dir, env);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/^error: A definition for option `users\.users\.x\.(home|description)' is not of type `[^']+'\. Definition values:\n- In `kiln\.ts:4:\d+': "/);
  expect(snapshot(root)).toEqual(before);
  expect(existsSync(escaped)).toBe(false);
});

it("switch --root refuses a group member with a comma and leaves /etc/group as it was", () => {
  const dir = project("members", `{ users: { users: { alice: { isNormalUser: true } }, groups: { wheel: { members: ["alice,root"] } } } }`);
  const root = join(work, "root-members");
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc", "group"), "root:x:0:\nwheel:x:10:\n");
  const before = snapshot(root);
  const run = runKiln(["switch", "--root", root], dir, env);
  expect(run.status).toBe(1);
  expect(run.stderr).toContain("error: A definition for option `users.groups.wheel.members.[definition 1-entry 1]' is not of type `user or group name");
  expect(run.stderr).toContain(`- In \`kiln.ts:4:`);
  expect(snapshot(root)).toEqual(before);
});

it("check reports what the option types refuse once the config is well typed, unless asked only to type-check", () => {
  const dir = project("check", `{ users: { users: { "al:ice": { isNormalUser: true, shell: "/bin/sh:evil" } } } }`);
  const run = runKiln(["check", "kiln.ts"], dir, env);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/^kiln\.ts: no type errors\nerror: A definition for option `users\.users\."al:ice"' has a name that is not of type `user or group name/);
  expect(run.stderr).toContain("- In `kiln.ts:4:");
  expect(runKiln(["check", "kiln.ts", "--types-only"], dir, env)).toMatchObject({ status: 0, stderr: "kiln.ts: no type errors\n" });
});
