/** The file formats the home modules write: git config files and shell variable exports. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FormatError, renderGitConfig, renderShellVariables } from "../../src/index.js";
import { errorOf } from "../evaluate.js";

const hasGit = spawnSync("git", ["--version"]).status === 0;

/** What git itself reads from `text` (`git config --file … --list`), when git is installed. */
function gitReads(text: string): string {
  const directory = mkdtempSync(join(tmpdir(), "kiln-gitconfig-"));
  try {
    const file = join(directory, "config");
    writeFileSync(file, text);
    return execFileSync("git", ["config", "--file", file, "--list"], { encoding: "utf8" });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe("git config files", () => {
  it("write sections, subsections from nested objects and dotted names, booleans, integers, and lists as repeated keys", () => {
    expect(
      renderGitConfig({
        core: { bare: false, compression: 9 },
        remote: { origin: { url: "git@example.org:a.git", fetch: ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"] } },
        "branch.main": { remote: "origin" },
        url: { "https://github.com/": { insteadOf: "gh:" } },
        empty: {},
      }),
    ).toBe(
      [
        "[core]",
        "\tbare = false",
        "\tcompression = 9",
        '[remote "origin"]',
        "\turl = git@example.org:a.git",
        "\tfetch = +refs/heads/*:refs/remotes/origin/*",
        "\tfetch = +refs/tags/*:refs/tags/*",
        '[branch "main"]',
        "\tremote = origin",
        '[url "https://github.com/"]',
        "\tinsteadOf = gh:",
        "",
      ].join("\n"),
    );
  });

  it("quote values git would misread and escape quotes, backslashes, newlines and tabs", () => {
    const text = renderGitConfig({ a: { comment: "x # y", semicolon: "a;b", spaces: "  padded ", empty: "", quote: 'say "hi"', slash: "C:\\dir", lines: "one\ntwo\tthree" } });
    expect(text).toBe(
      ["[a]", '\tcomment = "x # y"', '\tsemicolon = "a;b"', '\tspaces = "  padded "', '\tempty = ""', '\tquote = say \\"hi\\"', "\tslash = C:\\\\dir", "\tlines = one\\ntwo\\tthree", ""].join("\n"),
    );
    if (hasGit) expect(gitReads(text)).toBe('a.comment=x # y\na.semicolon=a;b\na.spaces=  padded \na.empty=\na.quote=say "hi"\na.slash=C:\\dir\na.lines=one\ntwo\tthree\n');
  });

  it("escape quotes and backslashes in subsection names, as git reads them back", () => {
    const text = renderGitConfig({ url: { 'C:\\"odd"': { insteadOf: "odd:" } } });
    expect(text).toBe('[url "C:\\\\\\"odd\\""]\n\tinsteadOf = odd:\n');
    if (hasGit) expect(gitReads(text)).toBe('url.C:\\"odd".insteadof=odd:\n');
  });

  it("refuse keys, section names and values git cannot read, naming them", () => {
    const badKey = errorOf(() => renderGitConfig({ user: { "first name": "Alice" } }));
    expect(badKey).toBeInstanceOf(FormatError);
    expect(badKey.message).toContain("`first name' in user is not a valid git config key");
    expect(errorOf(() => renderGitConfig({ "my section": { a: 1 } })).message).toContain("`my section' is not a valid git config section name");
    expect(errorOf(() => renderGitConfig({ a: { b: "bell\x07" } })).message).toContain("a.b contains the control character");
    expect(errorOf(() => renderGitConfig({ a: { b: 1.5 } })).message).toContain("git settings take integers only");
    expect(errorOf(() => renderGitConfig({ remote: { "a\nb": { url: "x" } } })).message).toContain("contains a line break");
  });
});

describe("shell variable exports", () => {
  const read = (text: string, name: string): string => execFileSync("/bin/sh", ["-c", `HOME=/home/me; ${text} printf '%s' "$${name}"`], { encoding: "utf8" });

  it("export each variable in double quotes: parameters expand, quotes, backquotes, backslashes and globs do not", () => {
    const text = renderShellVariables("home.sessionVariables", { EDITOR: "vi", TRICKY: 'a "b" `c` \\d $HOME/* $(date) ${HOME:-x} ${HOME}', N: 3 });
    expect(text).toBe('export EDITOR="vi"\nexport TRICKY="a \\"b\\" \\`c\\` \\\\d $HOME/* \\$(date) \\${HOME:-x} ${HOME}"\nexport N="3"\n');
    // Inside double quotes the shell would still run $(…): every $ but a parameter's is escaped.
    expect(read(text, "TRICKY")).toBe('a "b" `c` \\d /home/me/* $(date) ${HOME:-x} /home/me');
    expect(read(text, "N")).toBe("3");
  });

  it("refuse names that are not variable names", () => {
    const error = errorOf(() => renderShellVariables("home.sessionVariables", { "1X": "a" }));
    expect(error).toBeInstanceOf(FormatError);
    expect(error.message).toContain("`1X' in home.sessionVariables is not a valid environment variable name");
  });
});
