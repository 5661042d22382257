/**
 * Specifications of error messages: NixOS's wording, with the TypeScript
 * `file:line:column` of the module that made each definition.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  ConflictingDefinitionsError,
  InfiniteRecursionError,
  OptionNotDefinedError,
  OptionNotFoundError,
  TypeMismatchError,
  defineModule,
  evalModules,
  lazy,
  mkEnableOption,
  mkOption,
  types,
} from "../src/index.js";
import { errorOf, type AnyConfig } from "./evaluate.js";

const THIS_FILE = "errors.test.ts";

const testSource = readFileSync(fileURLToPath(import.meta.url), "utf8");

/** The line of this file holding `marker` (a comment next to the module it locates). */
function lineOf(marker: string): number {
  return testSource.split("\n").findIndex((line) => line.includes(`// ${marker}`)) + 1;
}

const nginx = defineModule({ // declaration:nginx
  options: {
    services: {
      nginx: {
        enable: mkEnableOption("nginx"),
        port: mkOption({ type: types.int, default: 80 }),
        user: mkOption({ type: types.str, default: "nginx" }),
        root: mkOption({ type: types.str }),
      },
    },
  },
});

describe("undeclared options", () => {
  it("name the option, suggest the closest declared sibling, and show the defining file and line", () => {
    const typo = defineModule({ services: { nginx: { enabel: true } } } as never); // definition:typo
    const error = errorOf(() => (evalModules({ modules: [nginx, typo] }).config as AnyConfig).services.nginx.enable);
    expect(error).toBeInstanceOf(OptionNotFoundError);
    expect(error.message).toContain("The option `services.nginx.enabel' does not exist. Did you mean `services.nginx.enable'");
    expect(error.message).toContain(`Definition values:\n- In \`packages/modules/test/${THIS_FILE}:${lineOf("definition:typo")}:`);
    expect(error.message).toMatch(/: true$/);
  });
  it("without a defineModule location, the evalModules call is the file", () => {
    const error = errorOf(() => (evalModules({ modules: [nginx, { services: { nginx: { prot: 1 } } }] }).config as AnyConfig).services); // evalModules:fallback
    expect(error.message).toContain(`In \`packages/modules/test/${THIS_FILE}:${lineOf("evalModules:fallback")}:`);
  });
  it("an explicit _file wins", () => {
    const error = errorOf(() => (evalModules({ modules: [nginx, { _file: "/etc/nixos/configuration.ts", services: { nginx: { prot: 1 } } }] }).config as AnyConfig).services);
    expect(error.message).toContain("In `/etc/nixos/configuration.ts': 1");
  });
});

describe("type mismatches", () => {
  it("name the option, the expected type and every bad definition with its file", () => {
    const bad = defineModule({ services: { nginx: { port: "abc" } } } as never); // definition:bad-port
    const error = errorOf(() => (evalModules({ modules: [nginx, bad] }).config as AnyConfig).services.nginx.port);
    expect(error).toBeInstanceOf(TypeMismatchError);
    expect(error.message).toMatch(new RegExp(`^A definition for option \`services\\.nginx\\.port' is not of type \`signed integer'\\. Definition values:\\n- In \`packages/modules/test/${THIS_FILE}:${lineOf("definition:bad-port")}:\\d+': "abc"$`));
  });
});

describe("conflicting definitions", () => {
  it("show each value with its file and suggest mkForce or mkDefault", () => {
    const first = defineModule({ services: { nginx: { user: "www" } } } as never); // definition:first
    const second = defineModule({ services: { nginx: { user: "http" } } } as never); // definition:second
    const error = errorOf(() => (evalModules({ modules: [nginx, first, second] }).config as AnyConfig).services.nginx.user);
    expect(error).toBeInstanceOf(ConflictingDefinitionsError);
    expect(error.message).toMatch(new RegExp(`^The option \`services\\.nginx\\.user' has conflicting definition values:\\n- In \`packages/modules/test/${THIS_FILE}:${lineOf("definition:second")}:\\d+': "http"\\n- In \`packages/modules/test/${THIS_FILE}:${lineOf("definition:first")}:\\d+': "www"\\nUse \`lib\\.mkForce value\` or \`lib\\.mkDefault value\` to change the priority on any of these definitions\\.$`));
  });
});

describe("options without value", () => {
  it("say the option was accessed without a value and where it is declared", () => {
    const error = errorOf(() => (evalModules({ modules: [nginx] }).config as AnyConfig).services.nginx.root);
    expect(error).toBeInstanceOf(OptionNotDefinedError);
    expect(error.message).toContain("The option `services.nginx.root' was accessed but has no value defined. Try setting the option.");
    expect(error.message).toContain(`It is declared in \`packages/modules/test/${THIS_FILE}:${lineOf("declaration:nginx")}:`);
  });
});

describe("cycles", () => {
  it("name the chain of option paths", () => {
    const options = { options: { a: { x: mkOption({ type: types.int }) }, b: { y: mkOption({ type: types.int }) } } };
    const cyclic = ({ config }: { config: AnyConfig }) => ({ a: { x: lazy(() => config.b.y + 1) }, b: { y: lazy(() => config.a.x + 1) } });
    const error = errorOf(() => (evalModules({ modules: [options, cyclic] }).config as AnyConfig).a.x);
    expect(error).toBeInstanceOf(InfiniteRecursionError);
    expect(error.message).toBe("infinite recursion encountered while evaluating: a.x -> b.y -> a.x");
  });
});
