/**
 * Specifications of renamed, aliased, changed and removed options, and of
 * assertions and warnings, with NixOS's wording.
 */
import { describe, expect, it } from "vitest";
import { setWarningHandler } from "@kiln/core";
import { AssertionsFailedError, OptionNotFoundError, assertionsModule, ASSERTIONS_MODULE_KEY, RemovedOptionError, checkAssertions, evalModules, mkAliasOptionModule, mkChangedOptionModule, mkDefault, mkForce, mkOption, mkRemovedOptionModule, mkRenamedOptionModule, types } from "../src/index.js";
import { evaluate, type AnyConfig } from "./evaluate.js";

const nginx = { options: { services: { nginx: { user: mkOption({ type: types.str, default: "nginx" }), ports: mkOption({ type: types.listOf(types.port), default: [] }) } } } };

describe("mkRenamedOptionModule", () => {
  it("definitions of the old name set the new option, and a warning names the file", () => {
    const result = evaluate([assertionsModule, nginx, mkRenamedOptionModule(["services", "nginx", "runAs"], ["services", "nginx", "user"]), { _file: "old-config.ts", services: { nginx: { runAs: "www" } } }]);
    expect(result.config.services.nginx.user).toBe("www");
    expect(result.warnings).toEqual(["The option `services.nginx.runAs' defined in `old-config.ts' has been renamed to `services.nginx.user'."]);
  });
  it("the forwarded definitions keep their priority", () => {
    const rename = mkRenamedOptionModule(["oldUser"], ["services", "nginx", "user"]);
    expect(evaluate([assertionsModule, nginx, rename, { oldUser: mkDefault("low") }, { services: { nginx: { user: "plain" } } }]).config.services.nginx.user).toBe("plain");
    expect(evaluate([assertionsModule, nginx, rename, { oldUser: mkForce("forced") }, { services: { nginx: { user: "plain" } } }]).config.services.nginx.user).toBe("forced");
  });
  it("reading the old name gives the new option's value", () => {
    expect(evaluate([assertionsModule, nginx, mkRenamedOptionModule(["oldUser"], ["services", "nginx", "user"])]).config.oldUser).toBe("nginx");
  });
  it("without definitions of the old name there is no warning", () => {
    expect(evaluate([assertionsModule, nginx, mkRenamedOptionModule(["oldUser"], ["services", "nginx", "user"])]).warnings).toEqual([]);
  });
  it("the old option checks definitions with the new option's type", () => {
    expect(() => evaluate([assertionsModule, nginx, mkRenamedOptionModule(["oldPorts"], ["services", "nginx", "ports"]), { oldPorts: [80] }, { services: { nginx: { ports: [443] } } }]).config.services.nginx.ports).not.toThrow();
    expect(evaluate([assertionsModule, nginx, mkRenamedOptionModule(["oldPorts"], ["services", "nginx", "ports"]), { oldPorts: [80] }, { services: { nginx: { ports: [443] } } }]).config.services.nginx.ports).toEqual([443, 80]);
  });
});

describe("mkAliasOptionModule", () => {
  it("forwards definitions without a warning", () => {
    const result = evaluate([assertionsModule, nginx, mkAliasOptionModule(["user"], ["services", "nginx", "user"]), { user: "alias" }]);
    expect(result.config.services.nginx.user).toBe("alias");
    expect(result.warnings).toEqual([]);
  });
});

describe("mkRemovedOptionModule", () => {
  it("defining the removed option fails an assertion with NixOS's message", () => {
    const result = evaluate([assertionsModule, nginx, mkRemovedOptionModule(["services", "nginx", "oldFeature"], "Use services.nginx.user instead."), { _file: "config.ts", services: { nginx: { oldFeature: true } } }]);
    expect(result.assertionFailures).toEqual(["The option definition `services.nginx.oldFeature' in `config.ts' no longer has any effect; please remove it.\nUse services.nginx.user instead.\n"]);
  });
  it("without a definition nothing fails", () => {
    expect(evaluate([assertionsModule, nginx, mkRemovedOptionModule(["services", "nginx", "oldFeature"], "Gone.")]).assertionFailures).toEqual([]);
  });
  it("reading the removed option throws", () => {
    expect(() => evaluate([assertionsModule, nginx, mkRemovedOptionModule(["gone"], "Gone."), { gone: 1 }]).config.gone).toThrow(RemovedOptionError);
  });
});

describe("mkChangedOptionModule", () => {
  it("computes the new option from the old one and warns", () => {
    const change = mkChangedOptionModule(["services", "nginx", "port"], ["services", "nginx", "ports"], (config: AnyConfig) => [config.services.nginx.port]);
    const result = evaluate([assertionsModule, nginx, change, { _file: "c.ts", services: { nginx: { port: 8080 } } }]);
    expect(result.config.services.nginx.ports).toEqual([8080]);
    expect(result.warnings[0]).toBe("The option `services.nginx.port' defined in `c.ts' has been changed to `services.nginx.ports' that has a different type. Please read `services.nginx.ports' documentation and update your configuration accordingly.");
  });
});

describe("assertions and warnings", () => {
  const checks = ({ config }: { config: AnyConfig }) => ({
    assertions: [
      { assertion: config.services.nginx.user !== "root", message: "nginx must not run as root" },
      { assertion: config.services.nginx.ports.length > 0, message: "nginx needs a port" },
      { assertion: true, message: "never shown" },
    ],
    warnings: ["nginx is experimental"],
  });
  it("all failed assertions are reported together", () => {
    const result = evalModules({ modules: [assertionsModule, nginx, checks, { services: { nginx: { user: "root" } } }] });
    expect(() => checkAssertions(result)).toThrow(AssertionsFailedError);
    expect(() => checkAssertions(result)).toThrow("Failed assertions:\n- nginx must not run as root\n- nginx needs a port");
  });
  it("with all assertions true, checkAssertions returns the warnings", () => {
    expect(checkAssertions(evalModules({ modules: [assertionsModule, nginx, checks, { services: { nginx: { ports: [80] } } }] }))).toEqual(["nginx is experimental"]);
  });
});

describe("assertions and warnings come from a module, not from evalModules (as in nixpkgs)", () => {
  it("evalModules declares neither, so a module may declare them itself, as NixOS's misc/assertions.nix does", () => {
    const own = { options: { assertions: mkOption({ type: types.listOf(types.unspecified), default: [] }), warnings: mkOption({ type: types.listOf(types.str), default: [] }) } };
    const result = evaluate([own, { warnings: ["mine"] }]);
    expect(result.config.warnings).toEqual(["mine"]);
    expect(result.warnings).toEqual(["mine"]);
  });
  it("an evaluation without them has no such options, and defining one fails as an undeclared option", () => {
    expect(Object.keys(evaluate([nginx]).config)).toEqual(["services"]);
    expect(() => evaluate([nginx, { warnings: ["x"] }]).config.services).toThrow("The option `warnings' does not exist.");
  });
  it("assertionsModule included twice (directly and by its key) declares them once", () => {
    expect(evaluate([assertionsModule, { key: ASSERTIONS_MODULE_KEY, options: { assertions: mkOption({ type: types.int }) } }, { warnings: ["w"] }]).warnings).toEqual(["w"]);
  });
  it("mkChangedOptionModule without a warnings option fails as nixpkgs does", () => {
    const change = mkChangedOptionModule(["services", "nginx", "port"], ["services", "nginx", "ports"], (config: AnyConfig) => [config.services.nginx.port]);
    expect(() => evaluate([nginx, change, { _file: "c.ts", services: { nginx: { port: 8080 } } }]).config.services.nginx.ports).toThrow(OptionNotFoundError);
    expect(() => evaluate([nginx, change, { _file: "c.ts", services: { nginx: { port: 8080 } } }]).config.services.nginx.ports).toThrow("The option `warnings' does not exist.");
  });
  it("mkRenamedOptionModule works without a warnings option, and reading the old path reports the obsolete name", () => {
    const reported: string[] = [];
    setWarningHandler((message) => reported.push(message));
    try {
      const result = evaluate([nginx, mkRenamedOptionModule(["runAs"], ["services", "nginx", "user"]), { runAs: "www" }]);
      expect(result.config.services.nginx.user).toBe("www");
      expect(reported).toEqual([]);
      expect(result.config.runAs).toBe("www");
      expect(reported).toEqual(["Obsolete option `runAs' is used. It was renamed to `services.nginx.user'."]);
    } finally {
      setWarningHandler(undefined);
    }
  });
});
