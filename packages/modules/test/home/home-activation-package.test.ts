/**
 * A whole home, evaluated with a real package set, built with the local
 * realiser into a temporary store, and activated with `@kiln/core`'s
 * `switchConfiguration` into a temporary home directory: the activation
 * package's layout and manifest, the files in the home, the shells' startup
 * files at work, a second generation and a rollback.
 */
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACTIVATION_MANIFEST_FILE, activeGeneration, homeTarget, rollbackConfiguration, switchConfiguration, targetProfile, type ActivationManifest } from "@kiln/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { temporaryStore } from "../../../pkgs/test/temporary-store.js";
import { defineHome, defineHomeModule } from "../../src/index.js";
import { homePackageSet } from "./fixture.js";

describe("a home's activation package", () => {
  const store = temporaryStore();
  const pkgs = homePackageSet();
  const homeDirectory = mkdtempSync(join(tmpdir(), "kiln-home-"));
  const target = homeTarget(homeDirectory);

  const alice = defineHomeModule<typeof pkgs>(({ pkgs }) => ({
    config: {
      home: {
        username: "alice",
        homeDirectory,
        packages: [pkgs.htop],
        sessionVariables: { EDITOR: "vi", GREETING: 'say "hi" to $USER' },
        file: {
          ".inputrc": { text: "set editing-mode vi\n" },
          "bin/hello": { text: "#!/bin/sh\necho hello from alice\n", executable: true },
          "notes/todo.txt": { source: pkgs.writeText("todo.txt", "water the plants\n") },
        },
        activation: { zz: 'echo "$KILN_ROOT" > .activated', clone: { text: "mkdir -p projects", deps: ["base"] }, base: "true" },
      },
      programs: {
        git: { enable: true, userName: "Alice Liddell", userEmail: "alice@example.org", aliases: { co: "checkout" }, settings: { remote: { origin: { url: "git@example.org:alice/notes.git" } } } },
        bash: { enable: true, shellAliases: { ll: "ls -l", quote: "echo 'quoted'" }, sessionVariables: { HISTSIZE: 5000 }, bashrcExtra: "export FROM_BASHRC=1", initExtra: "set -o vi" },
      },
    },
  }));

  const home = defineHome({ pkgs, modules: [alice] });
  // The next generation: ripgrep added, no .inputrc, a new file.
  const next = defineHome({
    pkgs,
    modules: [alice, defineHomeModule<typeof pkgs>(({ pkgs }) => ({ config: { home: { packages: [pkgs.ripgrep], file: { ".inputrc": { enable: false }, ".hushlogin": { text: "" } } } } }))],
  });
  const out = home.outputs["out"]?.path ?? "";
  const nextOut = next.outputs["out"]?.path ?? "";
  let manifest: ActivationManifest;

  beforeAll(async () => {
    await store.build(home, next);
    manifest = JSON.parse(readFileSync(join(out, ACTIVATION_MANIFEST_FILE), "utf8")) as ActivationManifest;
  }, 120_000);
  afterAll(() => {
    store.dispose();
    rmSync(homeDirectory, { recursive: true, force: true });
  });

  it("is named after the user and holds the manifest, home-path, home-files and config.json", () => {
    expect(home.name).toBe("kiln-home-alice");
    expect(readdirSync(out).sort()).toEqual([ACTIVATION_MANIFEST_FILE, "config.json", "home-files", "home-path"].sort());
    expect(readlinkSync(join(out, "home-path"))).toBe(String(home.config.home.path));
    expect(readdirSync(join(out, "home-path", "bin")).sort()).toEqual(["git", "htop"]);
    expect(manifest).toMatchObject({ version: 1, kind: "home", name: "alice", users: {}, groups: {} });
    expect(manifest.packages.map((entry) => entry.name).sort()).toEqual(["git-2.47.0", "htop-3.3.0"]);
  });

  it("lists the home's files relative to the home directory, mirrored as links under home-files/", () => {
    expect(Object.keys(manifest.files)).toEqual([".bash_profile", ".bashrc", ".config/git/config", ".inputrc", ".kiln-profile", ".kiln/session-vars.sh", ".profile", "bin/hello", "notes/todo.txt"]);
    for (const [path, file] of Object.entries(manifest.files)) {
      expect(file.mode).toBe("symlink");
      expect(readlinkSync(join(out, "home-files", path))).toBe(file.source);
    }
    expect(manifest.files[".kiln-profile"]?.source).toBe(String(home.config.home.path));
  });

  it("makes every store path the manifest names a reference of the output", () => {
    const references = new Set(store.store.pathInfo(out)?.references ?? []);
    const named = [...Object.values(manifest.files).map((file) => file.source), ...manifest.activationScripts.map((script) => script.script), ...manifest.packages.map((entry) => entry.path)];
    for (const path of named) expect(references).toContain(path);
  });

  it("orders the activation snippets by their deps, then by name", () => {
    expect(manifest.activationScripts.map((script) => script.name)).toEqual(["base", "clone", "zz"]);
  });

  it("writes config.json without home.build", () => {
    const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as { home: Record<string, unknown>; programs: { git: Record<string, unknown> } };
    expect(config.home["username"]).toBe("alice");
    expect(config.home["build"]).toBeUndefined();
    expect(config.programs.git["userName"]).toBe("Alice Liddell");
  });

  it("activates into the home directory: links, an executable file, the scripts run there, and a generation", () => {
    writeFileSync(join(homeDirectory, ".bashrc"), "# the distribution's bashrc\n");
    const { generation } = switchConfiguration(out, target);
    expect(generation?.number).toBe(1);
    expect(activeGeneration(target)).toBe(out);
    expect(readlinkSync(join(homeDirectory, ".bashrc"))).toBe(manifest.files[".bashrc"]?.source);
    expect(readFileSync(join(homeDirectory, ".bashrc.before-kiln"), "utf8")).toBe("# the distribution's bashrc\n");
    expect(readFileSync(join(homeDirectory, ".inputrc"), "utf8")).toBe("set editing-mode vi\n");
    expect(readFileSync(join(homeDirectory, "notes", "todo.txt"), "utf8")).toBe("water the plants\n");
    expect(lstatSync(join(homeDirectory, "bin", "hello")).isSymbolicLink()).toBe(true);
    expect(execFileSync(join(homeDirectory, "bin", "hello"), { encoding: "utf8" })).toBe("hello from alice\n");
    expect(readFileSync(join(homeDirectory, ".config", "git", "config"), "utf8")).toBe(
      '[remote "origin"]\n\turl = git@example.org:alice/notes.git\n[user]\n\tname = Alice Liddell\n\temail = alice@example.org\n[alias]\n\tco = checkout\n',
    );
    expect(readFileSync(join(homeDirectory, ".activated"), "utf8")).toBe(`${homeDirectory}\n`);
    expect(existsSync(join(homeDirectory, "projects"))).toBe(true);
  });

  it("gives login and interactive bash shells the session variables, the profile's programs on PATH, and the aliases", () => {
    const env = { HOME: homeDirectory, USER: "alice", PATH: "/usr/bin:/bin" };
    const login = execFileSync("bash", ["--login", "-c", 'printf "%s|%s|%s|%s" "$GREETING" "$HISTSIZE" "$(command -v htop)" "$FROM_BASHRC"'], { encoding: "utf8", env, cwd: homeDirectory });
    expect(login).toBe(`say "hi" to alice|5000|${homeDirectory}/.kiln-profile/bin/htop|`);
    expect(execFileSync(join(homeDirectory, ".kiln-profile", "bin", "htop"), { encoding: "utf8" })).toBe("htop stand-in\n");
    const interactive = execFileSync("bash", ["-i", "-c", 'alias quote; printf "%s|%s|%s" "$EDITOR" "$FROM_BASHRC" "$(set -o | grep -E "^vi\\s" | tr -s " \\t" " ")"'], { encoding: "utf8", env, cwd: homeDirectory, stdio: ["pipe", "pipe", "ignore"] });
    expect(interactive).toBe(`alias quote='echo '\\''quoted'\\'''\nvi|1|vi on`);
  });

  it("switches to a second generation, then rolls back to the first exactly", () => {
    const { generation } = switchConfiguration(nextOut, target);
    expect(generation?.number).toBe(2);
    expect(existsSync(join(homeDirectory, ".inputrc"))).toBe(false);
    expect(readFileSync(join(homeDirectory, ".hushlogin"), "utf8")).toBe("");
    expect(readdirSync(join(homeDirectory, ".kiln-profile", "bin")).sort()).toEqual(["git", "htop", "rg"]);
    const rolledBack = rollbackConfiguration(target);
    expect(rolledBack.generation?.number).toBe(1);
    expect(activeGeneration(target)).toBe(out);
    expect(readFileSync(join(homeDirectory, ".inputrc"), "utf8")).toBe("set editing-mode vi\n");
    expect(existsSync(join(homeDirectory, ".hushlogin"))).toBe(false);
    expect(readdirSync(join(homeDirectory, ".kiln-profile", "bin")).sort()).toEqual(["git", "htop"]);
    expect(targetProfile(target).generations().map((entry) => entry.number)).toEqual([1, 2]);
  });
});
