/**
 * Evaluating homes: how the home options merge across modules and what
 * the home modules make of them (the files of `home.file`, the session
 * variables script, git's configuration), without building anything.
 */
import { execFileSync } from "node:child_process";
import { getStoreDir, path as storePath, type Derivation } from "@kiln/core";
import { afterAll, describe, expect, it } from "vitest";
import { temporaryStore } from "../../../pkgs/test/temporary-store.js";
import { ConflictingDefinitionsError, defineHome, defineHomeModule, HomeConfigError, mkAfter, sessionVariablesScript } from "../../src/index.js";
import { errorOf } from "../evaluate.js";
import { homePackageSet } from "./fixture.js";

const store = temporaryStore();
afterAll(() => store.dispose());
const pkgs = homePackageSet();
type Pkgs = typeof pkgs;

/** The text a `home.file` entry's store file will hold (the `text` of its `writeText`), read without building it. */
function textOf(source: unknown): string {
  return (source as { drvAttrs: { text: string } }).drvAttrs.text;
}

const alice = defineHomeModule<Pkgs>(({ pkgs }) => ({
  config: { home: { username: "alice", packages: [pkgs.htop] } },
}));

describe("home.username and home.homeDirectory", () => {
  it("the home directory defaults to /home/<username>, and defineHome's arguments set both", () => {
    expect(defineHome({ pkgs, modules: [alice] }).config.home.homeDirectory).toBe("/home/alice");
    const home = defineHome({ pkgs, modules: [], username: "bob", homeDirectory: "/srv/bob" });
    expect(home.config.home.username).toBe("bob");
    expect(home.config.home.homeDirectory).toBe("/srv/bob");
    expect(home.name).toBe("kiln-home-bob");
  });

  it("a home without a user name says to set home.username", () => {
    expect(errorOf(() => defineHome({ pkgs, modules: [] })).message).toContain("home.username");
  });
});

describe("home.packages", () => {
  it("merges the packages of every module (mkAfter last) into home-path, linked as ~/.kiln-profile", () => {
    const tools = defineHomeModule<Pkgs>(({ pkgs }) => ({ config: { home: { packages: mkAfter([pkgs.tool]) } } }));
    const ripgrep = defineHomeModule<Pkgs>(({ pkgs }) => ({ config: { home: { packages: [pkgs.ripgrep] } } }));
    const { config } = defineHome({ pkgs, modules: [alice, tools, ripgrep] });
    // As in NixOS, later modules' definitions come first; mkAfter puts its own at the end.
    expect(config.home.packages.map(String)).toEqual([pkgs.ripgrep, pkgs.htop, pkgs.tool].map(String));
    expect((config.home.path as Derivation).name).toBe("home-path");
    expect(config.home.file[".kiln-profile"]?.source).toBe(config.home.path);
  });
});

describe("home.file", () => {
  it("writes text to the store, links a source as it is, and targets the attribute name unless told otherwise", () => {
    const notes = pkgs.writeText("notes.txt", "remember\n");
    const { config } = defineHome({
      pkgs,
      modules: [alice, { config: { home: { file: { ".inputrc": { text: "set editing-mode vi\n" }, notes: { source: notes, target: "Documents/notes.txt" } } } } }],
    });
    const inputrc = config.home.file[".inputrc"];
    expect(inputrc?.target).toBe(".inputrc");
    expect(String(inputrc?.source)).toMatch(new RegExp(`^${getStoreDir()}/[a-z0-9]{32}-home-file-inputrc$`));
    expect(textOf(inputrc?.source)).toBe("set editing-mode vi\n");
    expect(config.home.file["notes"]).toMatchObject({ target: "Documents/notes.txt", source: notes, executable: null });
  });

  it("takes a local file copied into the store with path()", () => {
    const { config } = defineHome({ pkgs, modules: [alice, { config: { home: { file: { "fixture.ts": { source: storePath(new URL("./fixture.ts", import.meta.url).pathname) } } } } }] });
    expect(String(config.home.file["fixture.ts"]?.source)).toMatch(/-fixture\.ts$/);
  });

  it("refuses a target outside the home directory, and two entries for one path, naming the options", () => {
    const error = errorOf(() => defineHome({ pkgs, modules: [alice, { config: { home: { file: { passwd: { target: "/etc/passwd", text: "x" } } } } }] }));
    expect(error).toBeInstanceOf(HomeConfigError);
    expect(error.message).toContain("home.file.passwd.target is `/etc/passwd', which is outside the home directory /home/alice");
    const twice = (): unknown => defineHome({ pkgs, modules: [alice, { config: { home: { file: { a: { target: "x", text: "1" }, b: { target: "/home/alice/x", text: "2" } } } } }] });
    expect(errorOf(twice).message).toContain("~/x is defined twice, by home.file.a and home.file.b");
  });

  it("refuses a file inside another entry, which is linked as a whole", () => {
    const nested = (): unknown => defineHome({ pkgs, modules: [alice, { config: { home: { file: { dir: { target: ".config/app", text: "1" }, inner: { target: ".config/app/x", text: "2" } } } } }] });
    const error = errorOf(nested);
    expect(error).toBeInstanceOf(HomeConfigError);
    expect(error.message).toContain("~/.config/app/x (home.file.inner) is inside ~/.config/app (home.file.dir)");
  });
});

describe("home.sessionVariables", () => {
  it("are exported with double quotes, so only parameters expand, and put ~/.kiln-profile/bin first on PATH", () => {
    const { config } = defineHome({
      pkgs,
      modules: [alice, { config: { home: { sessionVariables: { EDITOR: "vi", GREETING: 'say "hi" to $USER; `rm -rf` \\ *', JOBS: 4 } } } }],
    });
    const script = sessionVariablesScript(config.home.sessionVariables);
    expect(script).toContain('  export GREETING="say \\"hi\\" to $USER; \\`rm -rf\\` \\\\ *"\n');
    expect(script).toContain('  export JOBS="4"\n');
    const printed = execFileSync("/bin/sh", ["-c", `${script}\nprintf '%s|%s|%s' "$GREETING" "$JOBS" "$PATH"`], { encoding: "utf8", env: { HOME: "/home/alice", USER: "alice", PATH: "/usr/bin" } });
    expect(printed).toBe('say "hi" to alice; `rm -rf` \\ *|4|/home/alice/.kiln-profile/bin:/usr/bin');
    expect(textOf(config.home.file[".kiln/session-vars.sh"]?.source)).toBe(script);
  });

  it("refuse a name that is not a variable name", () => {
    const home = (): unknown => defineHome({ pkgs, modules: [alice, { config: { home: { sessionVariables: { "MY-VAR": "x" } } } }] });
    expect(errorOf(home).message).toContain("`MY-VAR' in home.sessionVariables is not a valid environment variable name");
  });
});

describe("programs.git", () => {
  const git = defineHomeModule<Pkgs>({
    config: {
      programs: {
        git: {
          enable: true,
          userName: "Alice Liddell",
          userEmail: "alice@example.org",
          aliases: { co: "checkout", lg: "log --oneline --graph" },
          settings: {
            init: { defaultBranch: "main" },
            remote: { origin: { url: "git@example.org:alice/notes.git", fetch: ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"] } },
            core: { autocrlf: false, compression: 9, excludesFile: "~/.gitignore # global" },
          },
        },
      },
    },
  });

  it("writes ~/.config/git/config with user, aliases, sections and subsections, and installs git", () => {
    const { config } = defineHome({ pkgs, modules: [alice, git, { config: { programs: { git: { extraConfig: { pull: { rebase: true } } } } } }] });
    const text = textOf(config.home.file[".config/git/config"]?.source);
    expect(text).toBe(
      [
        "[pull]",
        "\trebase = true",
        "[init]",
        "\tdefaultBranch = main",
        '[remote "origin"]',
        "\turl = git@example.org:alice/notes.git",
        "\tfetch = +refs/heads/*:refs/remotes/origin/*",
        "\tfetch = +refs/tags/*:refs/tags/*",
        "[core]",
        "\tautocrlf = false",
        "\tcompression = 9",
        '\texcludesFile = "~/.gitignore # global"',
        "[user]",
        "\tname = Alice Liddell",
        "\temail = alice@example.org",
        "[alias]",
        "\tco = checkout",
        "\tlg = log --oneline --graph",
        "",
      ].join("\n"),
    );
    expect(config.home.packages.map(String)).toEqual([pkgs.htop, pkgs.git].map(String));
  });

  it("reports userName and settings.user.name with different values as a conflict", () => {
    const home = (): unknown => defineHome({ pkgs, modules: [alice, git, { config: { programs: { git: { settings: { user: { name: "Someone Else" } } } } } }] });
    expect(errorOf(home)).toBeInstanceOf(ConflictingDefinitionsError);
  });

  it("writes nothing and installs nothing when disabled", () => {
    const { config } = defineHome({ pkgs, modules: [alice, { config: { programs: { git: { userName: "Alice" } } } }] });
    expect(config.home.file[".config/git/config"]).toBeUndefined();
    expect(config.home.packages.map(String)).toEqual([String(pkgs.htop)]);
  });
});

describe("programs.bash", () => {
  it("writes .profile, .bash_profile and .bashrc only when enabled", () => {
    const off = defineHome({ pkgs, modules: [alice] }).config.home.file;
    expect(Object.keys(off).sort()).toEqual([".kiln-profile", ".kiln/session-vars.sh"]);
    const on = defineHome({ pkgs, modules: [alice, { config: { programs: { bash: { enable: true } } } }] }).config.home.file;
    expect(Object.keys(on).sort()).toEqual([".bash_profile", ".bashrc", ".kiln-profile", ".kiln/session-vars.sh", ".profile"]);
  });
});

describe("home.activation", () => {
  it("orders snippets by their deps, then by name, as a machine's activation scripts", () => {
    const home = defineHome({ pkgs, modules: [alice, { config: { home: { activation: { zz: "echo last", clone: { text: "echo clone", deps: ["dirs"] }, dirs: "mkdir -p projects" } } } }] });
    expect(Object.keys(home.config.home.activation).sort()).toEqual(["clone", "dirs", "zz"]);
  });
});
