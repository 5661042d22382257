/**
 * The machine's `programs.git.config`: the system-wide git configuration,
 * written as `/etc/gitconfig` with the same formatter as a home's
 * `~/.config/git/config`.
 */
import { afterAll, describe, expect, it } from "vitest";
import { temporaryStore } from "../../../pkgs/test/temporary-store.js";
import { defineMachine } from "../../src/index.js";
import { homePackageSet } from "./fixture.js";

const store = temporaryStore();
afterAll(() => store.dispose());
const pkgs = homePackageSet();

/** The text an `environment.etc` entry's store file will hold, read without building it. */
function textOf(source: unknown): string {
  return (source as { drvAttrs: { text: string } }).drvAttrs.text;
}

describe("a machine's programs.git.config", () => {
  it("becomes /etc/gitconfig, merged across modules, with subsections", () => {
    const machine = defineMachine({
      pkgs,
      modules: [
        { config: { programs: { git: { enable: true, config: { init: { defaultBranch: "main" }, url: { "https://github.com/": { insteadOf: ["gh:"] } } } } } } },
        { config: { programs: { git: { config: { url: { "https://github.com/": { insteadOf: ["github:"] } }, safe: { directory: "/srv/repo" } } } } } },
      ],
    });
    const text = textOf(machine.config.environment.etc["gitconfig"]?.source);
    expect(text).toContain("[init]\n\tdefaultBranch = main\n");
    expect(text).toContain("[safe]\n\tdirectory = /srv/repo\n");
    expect(text).toMatch(/\[url "https:\/\/github\.com\/"\]\n\tinsteadOf = (gh|github):\n\tinsteadOf = (github|gh):\n/);
    expect(machine.config.environment.systemPackages.map(String)).toEqual([String(pkgs.git)]);
  });

  it("writes no /etc/gitconfig when it is empty or git is disabled", () => {
    expect(defineMachine({ pkgs, modules: [{ config: { programs: { git: { enable: true } } } }] }).config.environment.etc["gitconfig"]).toBeUndefined();
    expect(defineMachine({ pkgs, modules: [{ config: { programs: { git: { config: { a: { b: 1 } } } } } }] }).config.environment.etc["gitconfig"]).toBeUndefined();
  });
});
