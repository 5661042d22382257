/**
 * Specifications of the internal module every evaluation includes (nixpkgs'
 * `internalModule`: `_module.args`, `_module.check`, `_module.freeformType`),
 * at the top level and in each submodule value. Its options are declared
 * only when something looks at `_module` (see `eval/option-tree.ts`), so
 * these pin what must not depend on when: where `_module` is listed, the
 * order of declarations and definitions, defaults, and values defined for
 * it before or after it is first looked at.
 */
import { describe, expect, it } from "vitest";
import { mkOption, types } from "../src/index.js";
import { evaluate } from "./evaluate.js";

const INTERNAL = "@kiln/modules (internal)";
const userType = types.submodule({ options: { uid: mkOption({ type: types.int }) } });
const users = { _file: "users.ts", options: { users: mkOption({ type: types.attrsOf(userType), default: {} }) } };

describe("the internal module's options", () => {
  it("a submodule value's options list _module first, with its three options, and its config does not", () => {
    const { config } = evaluate([users, { users: { alice: { uid: 1 } } }]);
    const alice = config.users.alice;
    expect(Object.keys(alice)).toEqual(["uid"]);
    const options = (userType.getSubOptions?.(["users", "<name>"]) ?? {}) as Record<string, Record<string, unknown>>;
    expect(Object.keys(options)).toEqual(["_module", "uid"]);
    expect(Object.keys(options["_module"] as object)).toEqual(["args", "check", "freeformType"]);
  });

  it("_module is listed where the internal module's turn comes: after the options of modules imported by the roots, before the roots' own", () => {
    const imported = { _file: "imported.ts", options: { a: mkOption({ type: types.int, default: 1 }) } };
    const root = { _file: "root.ts", imports: [imported], options: { b: mkOption({ type: types.int, default: 2 }) } };
    const { config, options } = evaluate([root]);
    expect(Object.keys(options)).toEqual(["a", "_module", "b"]);
    expect(Object.keys(config)).toEqual(["a", "b"]);
    expect(options._module.check.value).toBe(true);
  });

  it("options declared under _module by a module merged before or after the internal module keep their order", () => {
    const extra = (name: string) => ({ _file: `${name}.ts`, options: { _module: { [name]: mkOption({ type: types.int, default: 0 }) } } });
    const before = evaluate([{ _file: "root.ts", imports: [extra("early")] }]).options;
    expect(Object.keys(before._module)).toEqual(["early", "args", "check", "freeformType"]);
    const after = evaluate([extra("late")]).options;
    expect(Object.keys(after._module)).toEqual(["args", "check", "freeformType", "late"]);
    expect(after._module.late.value).toBe(0);
  });

  it("_module.args defined by a value's definition merges with the internal module's, the internal definition in its place", () => {
    const { config } = evaluate([users, { users: { alice: { uid: 1, _module: { args: { greeting: "hi" } } } } }]);
    expect(config.users.alice.uid).toBe(1);
    expect(config.users.alice._module.args.greeting).toBe("hi");
    const top = evaluate([{ _file: "args.ts", _module: { args: { greeting: "hi" } } }]).options;
    expect(top._module.args.files).toEqual([INTERNAL, "args.ts"]);
    const imported = evaluate([{ _file: "root.ts", imports: [{ _file: "args.ts", _module: { args: { greeting: "hi" } } }] }]).options;
    expect(imported._module.args.files).toEqual(["args.ts", INTERNAL]);
  });

  it("a value's listing sees no freeform type by default, and one defined in the value's definition", () => {
    const { config } = evaluate([users, { users: { alice: { uid: 1 }, bob: { uid: 2, _module: { freeformType: types.attrsOf(types.str) }, nick: "b" } } }]);
    expect(Object.keys(config.users.alice)).toEqual(["uid"]);
    expect(config.users.alice._module.freeformType).toBe(null);
    expect(Object.keys(config.users.bob)).toEqual(["uid", "nick"]);
    expect(config.users.bob.nick).toBe("b");
  });

  it("an undefined option in a value is reported after the listing took the default freeform type, and _module.check = false still silences it", () => {
    const { config } = evaluate([users, { users: { alice: { uid: 1 } } }, { users: { alice: { nmae: "x" } } }]);
    expect(() => Object.keys(config.users.alice)).toThrow(/The option `users\.alice\.nmae' does not exist/);
    const quiet = evaluate([users, { users: { alice: { uid: 1, nmae: "x", _module: { check: false } } } }]).config;
    expect(Object.keys(quiet.users.alice)).toEqual(["uid"]);
  });

  it("reading _module.args of a value first, or its options first, gives the same declarations and definitions", () => {
    const first = evaluate([users, { users: { alice: { uid: 1 } } }]).config.users.alice;
    expect(first._module.args).toEqual({});
    expect(Object.keys(first)).toEqual(["uid"]);
    const options = evaluate([{ _file: "a.ts", options: { a: mkOption({ type: types.int, default: 1 }) } }]).options;
    expect(options._module.args.declarations).toEqual([INTERNAL]);
    expect(options._module.args.files).toEqual([INTERNAL]);
    expect(options._module.freeformType.value).toBe(null);
  });
});
