/**
 * Specifications of option documentation: JSON entries for visible options
 * (including submodule options) and their Markdown rendering.
 */
import { describe, expect, it } from "vitest";
import { evalModules, mkEnableOption, mkOption, optionsToJson, optionsToMarkdown, types } from "../src/index.js";

const modules = [
  {
    _file: "web.ts",
    options: {
      web: {
        enable: mkEnableOption("the web server"),
        port: mkOption({ type: types.port, default: 80, description: "Port to listen on." }),
        secret: mkOption({ type: types.str, internal: true, default: "" }),
        vhosts: mkOption({ type: types.attrsOf(types.submodule({ options: { root: mkOption({ type: types.path, description: "Document root.", example: "/srv/www" }) } })), default: {}, description: "Virtual hosts." }),
      },
    },
  },
];

describe("optionsToJson", () => {
  const json = optionsToJson(evalModules({ modules }).options);
  it("lists visible options by dotted path, with type, default and declarations", () => {
    expect(json["web.port"]).toEqual({ loc: ["web", "port"], type: "16 bit unsigned integer; between 0 and 65535 (both inclusive)", description: "Port to listen on.", default: "80", declarations: ["web.ts"], readOnly: false });
    expect(json["web.enable"]?.description).toBe("Whether to enable the web server.");
    expect(json["web.enable"]?.example).toBe("true");
  });
  it("leaves out internal options and the module system's own", () => {
    expect(Object.keys(json)).not.toContain("web.secret");
    expect(Object.keys(json).some((name) => name.startsWith("_module"))).toBe(false);
  });
  it("includes options declared inside submodules", () => {
    expect(json["web.vhosts.<name>.root"]).toMatchObject({ type: "absolute path", description: "Document root.", example: '"/srv/www"' });
  });
  it("a submodule's options are declared by the module declaring the option, unless its own module names its file (nixpkgs' setDefaultModuleLocation)", () => {
    expect(json["web.vhosts.<name>.root"]?.declarations).toEqual(["web.ts"]);
    const located = { _file: "location.ts", options: { path: mkOption({ type: types.str, description: "The path." }) } };
    const nested = optionsToJson(
      evalModules({ modules: [{ _file: "server.ts", options: { server: { locations: mkOption({ type: types.listOf(types.nullOr(types.submodule(located))), default: [], description: "Locations." }) } } }] }).options,
    );
    expect(nested["server.locations.*.path"]?.declarations).toEqual(["location.ts"]);
  });
});

describe("optionsToMarkdown", () => {
  it("renders one section per option", () => {
    const markdown = optionsToMarkdown(evalModules({ modules }).options);
    expect(markdown).toContain("## `web.port`\n\nPort to listen on.\n\n*Type:* 16 bit unsigned integer; between 0 and 65535 (both inclusive)\n\n*Default:* `80`\n\n*Declared by:* `web.ts`");
  });
});
