/**
 * Specifications of the values of one submodule type: each is its own
 * evaluation (nixpkgs' `submoduleWith` calls `evalModules` per value), so
 * whatever an evaluator shares between them must keep per value what
 * differs: `name`, option locations, messages, `_module.args`, config, and
 * modules that a value's definitions add (imports, options declared in a
 * definition, functions of `name`).
 */
import { describe, expect, it } from "vitest";
import { lazy, mkDefault, mkForce, mkIf, mkMerge, mkOption, mkOverride, types } from "../src/index.js";
import { evaluate } from "./evaluate.js";

const userType = types.submodule({
  options: {
    uid: mkOption({ type: types.int }),
    shell: mkOption({ type: types.str, default: "/bin/bash" }),
  },
});
const users = { _file: "users.ts", options: { users: mkOption({ type: types.attrsOf(userType), default: {} }) } };

describe("values of one submodule type", () => {
  it("each value's options have their own loc, with the value's name", () => {
    const probe = ({ options }: { options: Record<string, { loc: readonly string[] }> }) => ({ shell: lazy(() => options["uid"]?.loc.join(".")) });
    const { config, options } = evaluate([users, { users: { alice: { uid: 1 }, bob: { uid: 2 } } }, { users: { alice: probe, bob: probe } }]);
    expect(config.users.alice).toEqual({ uid: 1, shell: "users.alice.uid" });
    expect(config.users.bob).toEqual({ uid: 2, shell: "users.bob.uid" });
    expect(options.users.loc).toEqual(["users"]);
  });

  it("options.users.value.<name> is that value's config", () => {
    const { options } = evaluate([users, { users: { alice: { uid: 1 }, bob: { uid: 2, shell: "/bin/zsh" } } }]);
    expect(options.users.value.alice).toEqual({ uid: 1, shell: "/bin/bash" });
    expect(options.users.value.bob).toEqual({ uid: 2, shell: "/bin/zsh" });
  });

  it("type errors name the path of the value at fault, not of another value of the type", () => {
    const { config } = evaluate([users, { users: { alice: { uid: 1 }, bob: { uid: "x" } } }]);
    expect(config.users.alice.uid).toBe(1);
    expect(() => config.users.bob.uid).toThrow(/`users\.bob\.uid' is not of type `signed integer'/);
  });

  it("a missing value names its own path", () => {
    const { config } = evaluate([users, { users: { alice: { uid: 1 }, carol: { shell: "/bin/sh" } } }]);
    expect(config.users.alice.uid).toBe(1);
    expect(() => config.users.carol.uid).toThrow(/The option `users\.carol\.uid' was accessed but has no value defined/);
  });

  it("an undeclared definition in one value is reported with that value's path", () => {
    const { config } = evaluate([users, { users: { alice: { uid: 1 }, dave: { uid: 2, shel: "zsh" } } }]);
    expect(config.users.alice.shell).toBe("/bin/bash");
    expect(() => config.users.dave.uid).toThrow(/The option `users\.dave\.shel' does not exist/);
  });

  it("a definition may declare options for its value alone", () => {
    const { config } = evaluate([
      users,
      { users: { alice: { uid: 1 }, bob: { uid: 2 } } },
      { users: { bob: { options: { editor: mkOption({ type: types.str, default: "vi" }) }, config: { editor: "ed" } } } },
    ]);
    // A submodule's attribute-set definition is config (shorthand): a module with `options` comes as a function.
    expect(() => config.users.bob.uid).toThrow(/`users\.bob\.options' does not exist/);
    const declaring = evaluate([
      users,
      { users: { alice: { uid: 1 }, bob: { uid: 2 } } },
      { users: { bob: () => ({ options: { editor: mkOption({ type: types.str, default: "vi" }) }, config: { editor: "ed" } }) } },
    ]).config;
    expect(declaring.users.bob).toEqual({ uid: 2, shell: "/bin/bash", editor: "ed" });
    expect(declaring.users.alice).toEqual({ uid: 1, shell: "/bin/bash" });
    expect(() => evaluate([users, { users: { alice: { uid: 1, editor: "ed" } } }, { users: { bob: () => ({ options: { editor: mkOption({ type: types.str }) } }) } }]).config.users.alice.uid).toThrow(/`users\.alice\.editor' does not exist/);
  });

  it("a definition may import modules for its value alone", () => {
    const extra = { options: { home: mkOption({ type: types.str, default: "/home" }) } };
    const { config } = evaluate([users, { users: { alice: { uid: 1 }, bob: () => ({ imports: [extra], config: { uid: 2, home: "/srv" } }) } }]);
    expect(config.users.bob).toEqual({ uid: 2, shell: "/bin/bash", home: "/srv" });
    expect(config.users.alice).toEqual({ uid: 1, shell: "/bin/bash" });
  });

  it("a definition that is a function of name gives each value its own config", () => {
    const byName = ({ name }: { name: string }) => ({ shell: `/bin/${name}` });
    const { config } = evaluate([users, { users: { alice: { uid: 1 }, bob: { uid: 2 } } }, { users: { alice: byName, bob: byName } }]);
    expect(config.users.alice.shell).toBe("/bin/alice");
    expect(config.users.bob.shell).toBe("/bin/bob");
  });

  it("_module.args set in one value are that value's", () => {
    const reader = ({ greeting }: { greeting: string }) => ({ shell: greeting });
    const { config } = evaluate([
      users,
      { users: { alice: { uid: 1, _module: { args: { greeting: "/bin/alice-sh" } } }, bob: { uid: 2, _module: { args: { greeting: "/bin/bob-sh" } } } } },
      { users: { alice: reader, bob: reader } },
    ]);
    expect(config.users.alice.shell).toBe("/bin/alice-sh");
    expect(config.users.bob.shell).toBe("/bin/bob-sh");
  });

  it("mkIf, mkMerge and priorities merge per value", () => {
    const { config } = evaluate([
      { options: { wheel: mkOption({ type: types.bool, default: false }) } },
      users,
      { wheel: true },
      ({ config: top }: { config: { wheel: boolean } }) => ({
        users: {
          alice: mkMerge([{ uid: 1 }, mkIf(top.wheel, { shell: mkForce("/bin/sh") })]),
          bob: { uid: mkDefault(2), shell: mkOverride(90, "/bin/zsh") },
        },
      }),
      { users: { alice: { shell: "/bin/fish" }, bob: { uid: 3, shell: "/bin/dash" } } },
    ]);
    expect(config.users.alice).toEqual({ uid: 1, shell: "/bin/sh" });
    expect(config.users.bob).toEqual({ uid: 3, shell: "/bin/zsh" });
  });

  it("each value's config is its own object, read lazily", () => {
    const { config } = evaluate([users, { users: { alice: { uid: 1 }, bob: { uid: 2 } } }]);
    expect(config.users.alice).not.toBe(config.users.bob);
    expect(Object.keys(config.users)).toEqual(["alice", "bob"]);
  });

  it("a value printed whole (listed, checked, every option read) still answers for its options' definitions, files and _module.args afterwards", () => {
    const probe = ({ options }: { options: Record<string, { files: readonly string[]; definitions: readonly unknown[] }> }) => ({ shell: lazy(() => JSON.stringify([options["uid"]?.files, options["uid"]?.definitions])) });
    const { config } = evaluate([users, { _file: "a.ts", users: { alice: { uid: 1 } } }, { _file: "b.ts", users: { alice: probe } }]);
    const alice = config.users.alice;
    expect(JSON.parse(JSON.stringify(Object.keys(alice)))).toEqual(["uid", "shell"]);
    expect(alice.uid).toBe(1);
    expect(alice._module.args).toEqual({});
    expect(JSON.parse(alice.shell)).toEqual([["a.ts"], [1]]);
    expect(alice._module.check).toBe(true);
  });
});
