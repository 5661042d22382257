/**
 * Specifications of renamed, aliased, changed and removed options, and of
 * assertions and warnings, with NixOS's wording.
 */
import { describe, expect, it } from "vitest";
import { AssertionsFailedError, RemovedOptionError, checkAssertions, evalModules, mkAliasOptionModule, mkChangedOptionModule, mkDefault, mkForce, mkOption, mkRemovedOptionModule, mkRenamedOptionModule, types } from "../src/index.js";
import { evaluate, type AnyConfig } from "./evaluate.js";

const nginx = { options: { services: { nginx: { user: mkOption({ type: types.str, default: "nginx" }), ports: mkOption({ type: types.listOf(types.port), default: [] }) } } } };

describe("mkRenamedOptionModule", () => {
  it("definitions of the old name set the new option, and a warning names the file", () => {
    const result = evaluate([nginx, mkRenamedOptionModule(["services", "nginx", "runAs"], ["services", "nginx", "user"]), { _file: "old-config.ts", services: { nginx: { runAs: "www" } } }]);
    expect(result.config.services.nginx.user).toBe("www");
    expect(result.warnings).toEqual(["The option `services.nginx.runAs' defined in `old-config.ts' has been renamed to `services.nginx.user'."]);
  });
  it("the forwarded definitions keep their priority", () => {
    const rename = mkRenamedOptionModule(["oldUser"], ["services", "nginx", "user"]);
    expect(evaluate([nginx, rename, { oldUser: mkDefault("low") }, { services: { nginx: { user: "plain" } } }]).config.services.nginx.user).toBe("plain");
    expect(evaluate([nginx, rename, { oldUser: mkForce("forced") }, { services: { nginx: { user: "plain" } } }]).config.services.nginx.user).toBe("forced");
  });
  it("reading the old name gives the new option's value", () => {
    expect(evaluate([nginx, mkRenamedOptionModule(["oldUser"], ["services", "nginx", "user"])]).config.oldUser).toBe("nginx");
  });
  it("without definitions of the old name there is no warning", () => {
    expect(evaluate([nginx, mkRenamedOptionModule(["oldUser"], ["services", "nginx", "user"])]).warnings).toEqual([]);
  });
  it("the old option checks definitions with the new option's type", () => {
    expect(() => evaluate([nginx, mkRenamedOptionModule(["oldPorts"], ["services", "nginx", "ports"]), { oldPorts: [80] }, { services: { nginx: { ports: [443] } } }]).config.services.nginx.ports).not.toThrow();
    expect(evaluate([nginx, mkRenamedOptionModule(["oldPorts"], ["services", "nginx", "ports"]), { oldPorts: [80] }, { services: { nginx: { ports: [443] } } }]).config.services.nginx.ports).toEqual([443, 80]);
  });
});

describe("mkAliasOptionModule", () => {
  it("forwards definitions without a warning", () => {
    const result = evaluate([nginx, mkAliasOptionModule(["user"], ["services", "nginx", "user"]), { user: "alias" }]);
    expect(result.config.services.nginx.user).toBe("alias");
    expect(result.warnings).toEqual([]);
  });
});

describe("mkRemovedOptionModule", () => {
  it("defining the removed option fails an assertion with NixOS's message", () => {
    const result = evaluate([nginx, mkRemovedOptionModule(["services", "nginx", "oldFeature"], "Use services.nginx.user instead."), { _file: "config.ts", services: { nginx: { oldFeature: true } } }]);
    expect(result.assertionFailures).toEqual(["The option definition `services.nginx.oldFeature' in `config.ts' no longer has any effect; please remove it.\nUse services.nginx.user instead."]);
  });
  it("without a definition nothing fails", () => {
    expect(evaluate([nginx, mkRemovedOptionModule(["services", "nginx", "oldFeature"], "Gone.")]).assertionFailures).toEqual([]);
  });
  it("reading the removed option throws", () => {
    expect(() => evaluate([nginx, mkRemovedOptionModule(["gone"], "Gone."), { gone: 1 }]).config.gone).toThrow(RemovedOptionError);
  });
});

describe("mkChangedOptionModule", () => {
  it("computes the new option from the old one and warns", () => {
    const change = mkChangedOptionModule(["services", "nginx", "port"], ["services", "nginx", "ports"], (config: AnyConfig) => [config.services.nginx.port]);
    const result = evaluate([nginx, change, { _file: "c.ts", services: { nginx: { port: 8080 } } }]);
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
    const result = evalModules({ modules: [nginx, checks, { services: { nginx: { user: "root" } } }] });
    expect(() => checkAssertions(result)).toThrow(AssertionsFailedError);
    expect(() => checkAssertions(result)).toThrow("Failed assertions:\n- nginx must not run as root\n- nginx needs a port");
  });
  it("with all assertions true, checkAssertions returns the warnings", () => {
    expect(checkAssertions(evalModules({ modules: [nginx, checks, { services: { nginx: { ports: [80] } } }] }))).toEqual(["nginx is experimental"]);
  });
});
