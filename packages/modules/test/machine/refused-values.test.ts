/**
 * Option values that would escape the root activation works on, or forge
 * lines of /etc/passwd and /etc/group, are refused by the options' types:
 * each error names the option and the file and line of the definition at
 * fault, as every type error of the module system does.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { temporaryStore } from "../../../pkgs/test/temporary-store.js";
import { ConflictingDefinitionsError, MachineConfigError, TypeMismatchError, defineHome, defineHomeModule, defineMachine, defineMachineModule, machineManifest } from "../../src/index.js";
import { errorOf } from "../evaluate.js";
import { testPackageSet } from "./fixture.js";

const store = temporaryStore();
afterAll(() => store.dispose());
const pkgs = testPackageSet();

const THIS_FILE = "packages/modules/test/machine/refused-values.test.ts";
const source = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");

/** `file:line` of the line of this file holding `// marker`, as errors show a definition's place. */
function at(marker: string): string {
  return `In \`${THIS_FILE}:${source.findIndex((line) => line.endsWith(`// ${marker}`)) + 1}:`;
}

const machineOf = (module: ReturnType<typeof defineMachineModule>) => defineMachine({ pkgs, modules: [module] });

/** The error a machine of `module` fails with; it must be a type error of `option` (or an element of it), at `marker`. */
function refused(module: ReturnType<typeof defineMachineModule>, option: string, marker: string): Error {
  const error = errorOf(() => machineOf(module));
  expect(error).toBeInstanceOf(TypeMismatchError);
  expect(error.message).toContain(`option \`${option}`);
  expect(error.message).toContain(at(marker));
  return error;
}

describe("users.users.<name>.home", () => {
  it("refuses .. segments, which would lead out of the root, and relative homes", () => {
    const escape = defineMachineModule({ config: { users: { users: { x: { isNormalUser: true, home: "/../../../tmp/x" } } } } }); // home:escape
    expect(refused(escape, "users.users.x.home", "home:escape").message).toContain("is not of type `absolute path without .. segments, not containing newlines, colons or NUL'");
    refused(defineMachineModule({ config: { users: { users: { x: { isNormalUser: true, home: "/home/x/../../root" } } } } }), "users.users.x.home", "home:inner"); // home:inner
    refused(defineMachineModule({ config: { users: { users: { x: { isNormalUser: true, home: "home/x" } } } } }), "users.users.x.home", "home:relative"); // home:relative
    refused(defineMachineModule({ config: { users: { users: { x: { isNormalUser: true, home: "/home/x:/root" } } } } }), "users.users.x.home", "home:colon"); // home:colon
  });

  it("normalises the path, so definitions that differ only in form agree", () => {
    const machine = machineOf(defineMachineModule({ config: { users: { users: { x: { isNormalUser: true, home: "/home//x/./" } } } } }));
    expect(machine.config.users.users["x"]?.home).toBe("/home/x");
    expect(machineManifest(pkgs, machine.config).users["x"]?.home).toBe("/home/x");
    const twice = defineMachine({
      pkgs,
      modules: [defineMachineModule({ config: { users: { users: { x: { home: "/srv/x/" } } } } }), defineMachineModule({ config: { users: { users: { x: { isSystemUser: true, group: "x", home: "/srv/x" } }, groups: { x: {} } } } })],
    });
    expect(twice.config.users.users["x"]?.home).toBe("/srv/x");
  });
});

describe("account fields", () => {
  it("refuse a `:', newline or NUL, which would forge fields or accounts in /etc/passwd", () => {
    const error = refused(defineMachineModule({ config: { users: { users: { alice: { isNormalUser: true, description: "Alice:0:0:/root" } } } } }), "users.users.alice.description", "description:colon"); // description:colon
    expect(error.message).toMatch(/: "Alice:0:0:\/root"$/);
    refused(defineMachineModule({ config: { users: { users: { alice: { isNormalUser: true, description: "Alice\n" } } } } }), "users.users.alice.description", "description:newline"); // description:newline
    refused(defineMachineModule({ config: { users: { users: { alice: { isNormalUser: true, description: "Alice\0" } } } } }), "users.users.alice.description", "description:nul"); // description:nul
    refused(defineMachineModule({ config: { users: { users: { alice: { isNormalUser: true, shell: "/bin/sh:evil" } } } } }), "users.users.alice.shell", "shell:colon"); // shell:colon
    refused(defineMachineModule({ config: { users: { defaultUserShell: "/bin/sh\nroot::0:0::/:/bin/sh" } } }), "users.defaultUserShell", "default-shell:newline"); // default-shell:newline
  });

  it("refuse a shell package whose shellPath has a `:', which the type cannot see, naming the option", () => {
    const shell = Object.assign(Object.create(pkgs.tool) as typeof pkgs.tool, { shellPath: "/bin/sh:evil" });
    const error = errorOf(() => machineOf(defineMachineModule({ config: { users: { users: { alice: { isNormalUser: true, shell } } } } })));
    expect(error).toBeInstanceOf(MachineConfigError);
    expect(error.message).toMatch(/^users\.users\.alice\.shell gives the login shell ".*\/bin\/sh:evil", which has a `:', newline or NUL/);
  });

  it("keep commas, full names and absolute shells that are fine", () => {
    const machine = machineOf(defineMachineModule({ config: { users: { users: { alice: { isNormalUser: true, description: "Alice Q. User,Room 4,,", shell: "/bin/zsh" } } } } }));
    expect(machineManifest(pkgs, machine.config).users["alice"]).toMatchObject({ description: "Alice Q. User,Room 4,,", shell: "/bin/zsh" });
  });
});

describe("user and group names", () => {
  it("follow adduser's rule: a lowercase letter or _, then lowercase letters, digits, _ or -, an optional final $, at most 32 characters", () => {
    const names = ["alice", "_apt", "build-1", "a_b-c9", "samba$", "a".repeat(32)];
    const machine = machineOf(defineMachineModule({ config: { users: { users: Object.fromEntries(names.map((name) => [name, { isNormalUser: true }])), groups: { "www-data": {} } } } }));
    expect(Object.keys(machineManifest(pkgs, machine.config).users).sort()).toEqual([...names].sort());
  });

  it("refuse other user names, naming the attribute and the file that wrote it", () => {
    const error = refused(defineMachineModule({ config: { users: { users: { Alice: { isNormalUser: true } } } } }), "users.users.Alice", "name:upper"); // name:upper
    expect(error.message).toContain("has a name that is not of type `user or group name (a lowercase letter or _, then lowercase letters, digits, _ or -, optionally a final $; at most 32 characters)'");
    refused(defineMachineModule({ config: { users: { users: { "al:ice": { isNormalUser: true } } } } }), 'users.users."al:ice"', "name:colon"); // name:colon
    refused(defineMachineModule({ config: { users: { users: { ["a".repeat(33)]: { isNormalUser: true } } } } }), `users.users.${"a".repeat(33)}`, "name:long"); // name:long
    refused(defineMachineModule({ config: { users: { users: { "1abc": { isNormalUser: true } } } } }), 'users.users."1abc"', "name:digit"); // name:digit
    refused(defineMachineModule({ config: { users: { users: { alice: { isNormalUser: true, name: "root:x:0" } } } } }), "users.users.alice.name", "name:explicit"); // name:explicit
  });

  it("refuse group names and members that are not names, so a member cannot add root with a comma", () => {
    refused(defineMachineModule({ config: { users: { users: { alice: { isNormalUser: true } }, groups: { g: { members: ["alice,root"] } } } } }), "users.groups.g.members", "members:comma"); // members:comma
    refused(defineMachineModule({ config: { users: { groups: { "g,root": {} } } } }), 'users.groups."g,root"', "group:comma"); // group:comma
    refused(defineMachineModule({ config: { users: { users: { alice: { isNormalUser: true, extraGroups: ["wheel:x"] } } } } }), "users.users.alice.extraGroups", "extra-groups:colon"); // extra-groups:colon
    refused(defineMachineModule({ config: { users: { users: { alice: { isNormalUser: true, group: "users\n" } } } } }), "users.users.alice.group", "group:newline"); // group:newline
  });
});

describe("environment.etc names", () => {
  it("refuse .. segments, absolute names and control characters, naming the entry and its file", () => {
    refused(defineMachineModule({ config: { environment: { etc: { "../x": { text: "a" } } } } }), 'environment.etc."../x"', "etc:dotdot"); // etc:dotdot
    refused(defineMachineModule({ config: { environment: { etc: { "/passwd": { text: "a" } } } } }), 'environment.etc."/passwd"', "etc:absolute"); // etc:absolute
    refused(defineMachineModule({ config: { environment: { etc: { "a\nb": { text: "a" } } } } }), 'environment.etc."a\\nb"', "etc:newline"); // etc:newline
    refused(defineMachineModule({ config: { environment: { etc: { up: { text: "x", target: "../passwd" } } } } }), "environment.etc.up.target", "etc:target"); // etc:target
  });

  it("refuse two names that are one path once normalised, showing both definitions", () => {
    const error = errorOf(() => machineOf(defineMachineModule({ config: { environment: { etc: { "a/b": { text: "1" }, "./a//b": { text: "2" } } } } }))); // etc:collision
    expect(error).toBeInstanceOf(ConflictingDefinitionsError);
    expect(error.message).toContain('The option `environment.etc\' has the attributes "a/b" and "./a//b", which are the same name ("a/b").');
    expect(error.message.split(at("etc:collision")).length).toBe(3);
  });

  it("normalise a name used alone, for its target", () => {
    const machine = machineOf(defineMachineModule({ config: { environment: { etc: { "./ssh//ssh_config/": { text: "x" } } } } }));
    expect(Object.keys(machineManifest(pkgs, machine.config).files)).toContain("ssh/ssh_config");
  });
});

describe("home modules", () => {
  const alice = defineHomeModule({ config: { home: { username: "alice" } } });

  it("refuse home.file names with .. segments and names that are one path once normalised", () => {
    const dotdot = errorOf(() => defineHome({ pkgs, modules: [alice, defineHomeModule({ config: { home: { file: { "../bob/.bashrc": { text: "x" } } } } })] })); // home-file:dotdot
    expect(dotdot).toBeInstanceOf(TypeMismatchError);
    expect(dotdot.message).toContain('option `home.file."../bob/.bashrc"\'');
    expect(dotdot.message).toContain(at("home-file:dotdot"));
    const twice = errorOf(() => defineHome({ pkgs, modules: [alice, defineHomeModule({ config: { home: { file: { ".inputrc": { text: "1" }, "~/./.inputrc": { text: "2" } } } } })] })); // home-file:twice
    expect(twice).toBeInstanceOf(ConflictingDefinitionsError);
    expect(twice.message).toContain(at("home-file:twice"));
  });

  it("refuse a home directory with .. segments, and normalise one without", () => {
    const error = errorOf(() => defineHome({ pkgs, modules: [alice, defineHomeModule({ config: { home: { homeDirectory: "/home/../root" } } })] })); // home-directory:dotdot
    expect(error.message).toContain("option `home.homeDirectory'");
    expect(error.message).toContain(at("home-directory:dotdot"));
    expect(defineHome({ pkgs, modules: [alice, defineHomeModule({ config: { home: { homeDirectory: "/home//alice/" } } })] }).config.home.homeDirectory).toBe("/home/alice");
  });
});
