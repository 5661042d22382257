/**
 * How users type homes and their modules: `config` has every home option
 * (and the options of the user's modules), `pkgs` is the set given to
 * `defineHome`, and misspelt options are compile errors. Checked by
 * `tsc -p tsconfig.json` at the repository root; the homes are also
 * evaluated, to show the types describe the values.
 */
import type { Derivation } from "@kiln/core";
import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import { temporaryStore } from "../../../pkgs/test/temporary-store.js";
import { defineHome, defineHomeModule, defineModule, mkEnableOption, mkIf, type HomeConfig, type PackageValue } from "../../src/index.js";
import { homePackageSet } from "./fixture.js";

const store = temporaryStore();
afterAll(() => store.dispose());
const pkgs = homePackageSet();
type Pkgs = typeof pkgs;

// A module of the user's own options, and one using them.
const editorOptions = defineModule({ options: { my: { editor: { enable: mkEnableOption("my editor settings") } } } });

const editor = defineHomeModule<Pkgs, [typeof editorOptions]>(({ config, pkgs }) => {
  expectTypeOf(pkgs).toEqualTypeOf<Pkgs>();
  expectTypeOf(pkgs.htop).toEqualTypeOf<Derivation>();
  expectTypeOf(config.my.editor.enable).toEqualTypeOf<boolean>();
  expectTypeOf(config.home.homeDirectory).toEqualTypeOf<string>();
  return { config: mkIf(config.my.editor.enable, { home: { sessionVariables: { EDITOR: "vi" }, packages: [pkgs.htop] } }) };
});

describe("typing homes", () => {
  it("a home's config has the home options and the user's, with their types", () => {
    const home = defineHome({ pkgs, username: "alice", modules: [editorOptions, editor, { config: { my: { editor: { enable: true } } } }] });
    expectTypeOf(home.config.programs.git.enable).toEqualTypeOf<boolean>();
    expectTypeOf(home.config.programs.git.userName).toEqualTypeOf<string | null>();
    expectTypeOf(home.config.home.packages).toEqualTypeOf<PackageValue[]>();
    expectTypeOf(home.config.my.editor.enable).toEqualTypeOf<boolean>();
    expectTypeOf(home.pkgs).toEqualTypeOf<Pkgs>();
    expectTypeOf(home).toExtend<Derivation>();
    expectTypeOf(home.config).toExtend<HomeConfig>();
    expect(home.config.home.sessionVariables).toEqual({ EDITOR: "vi" });
  });

  it("misspelt options and wrong values are compile errors", () => {
    // @ts-expect-error `pakages` is not an option
    defineHomeModule({ config: { home: { pakages: [] } } });
    // @ts-expect-error `userName` takes a string
    defineHomeModule({ config: { programs: { git: { userName: 42 } } } });
    // @ts-expect-error a home file has no `contents`
    defineHomeModule({ config: { home: { file: { ".inputrc": { contents: "x" } } } } });
    // @ts-expect-error git settings hold strings, numbers, booleans and lists of them
    defineHomeModule({ config: { programs: { git: { settings: { core: { editor: null } } } } } });
    defineHomeModule<Pkgs>(({ config }) => {
      // @ts-expect-error reading a misspelt option
      void config.programs.bash.shellAlias;
      return {};
    });
    // The home-manager name of programs.git.settings is typed too.
    defineHomeModule({ config: { programs: { git: { extraConfig: { pull: { rebase: true } } } } } });
  });
});
