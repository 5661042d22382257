/**
 * One `services.nginx.virtualHosts.<name>` and its `locations.<path>`:
 * the subset of NixOS's nginx virtual host options that describes plain
 * HTTP servers (names, addresses, a document root, locations serving files
 * or proxying), plus free nginx text where more is needed.
 */
import { defineModule } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { types } from "../../types/index.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/services/nginx-virtual-host.ts";

/** The options of one `location` block. */
export const nginxLocationOptions = defineModule(located(FILE, {
  options: {
    root: mkOption({ type: types.nullOr(types.str), default: null, example: "/var/www/static", description: "The document root of this location (`root`)." }),
    proxyPass: mkOption({ type: types.nullOr(types.str), default: null, example: "http://127.0.0.1:3000", description: "Forward requests to this URL (`proxy_pass`)." }),
    index: mkOption({ type: types.nullOr(types.str), default: null, example: "index.php index.html", description: "Index files (`index`)." }),
    tryFiles: mkOption({ type: types.nullOr(types.str), default: null, example: "$uri =404", description: "Files tried in order (`try_files`)." }),
    return: mkOption({ type: types.nullOr(types.str), default: null, example: "301 https://example.org$request_uri", description: "Answer at once (`return`)." }),
    extraConfig: mkOption({ type: types.lines, default: "", description: "More nginx directives in this location." }),
    priority: mkOption({ type: types.int, default: 1000, description: "Where the location goes among the others: lower first, then by path (nginx picks regular-expression locations in order)." }),
  },
}));

/** The options of one `listen` entry. */
export const nginxListenOptions = defineModule(located(FILE, {
  options: {
    addr: mkOption({ type: types.str, example: "[::1]", description: "The address to listen on (IPv6 in brackets)." }),
    port: mkOption({ type: types.port, default: 80, description: "The port to listen on." }),
    extraParameters: mkOption({ type: types.listOf(types.str), default: [], example: ["http2"], description: "More parameters of the `listen` directive." }),
  },
}));

/** The options of one virtual host (`server` block). */
export const nginxVirtualHostOptions = defineModule(located(FILE, {
  options: {
    serverName: mkOption({ type: types.nullOr(types.str), default: null, description: "The host's name (`server_name`); defaults to the attribute name." }),
    serverAliases: mkOption({ type: types.listOf(types.str), default: [], example: ["www.example.org"], description: "More names of the host." }),
    listen: mkOption({
      type: types.listOf(types.submodule(nginxListenOptions)),
      default: [],
      example: [{ addr: "0.0.0.0", port: 8080 }],
      description: "Addresses and ports to listen on; empty: `services.nginx.defaultListenAddresses` on `services.nginx.defaultHTTPListenPort`.",
    }),
    default: mkOption({ type: types.bool, default: false, description: "Whether this host answers requests for names no host has (`default_server`)." }),
    root: mkOption({ type: types.nullOr(types.str), default: null, example: "/var/www/example.org", description: "The document root (`root`)." }),
    locations: mkOption({ type: types.attrsOf(types.submodule(nginxLocationOptions)), default: {}, description: "`location` blocks, by path (or `~ regex`)." }),
    extraConfig: mkOption({ type: types.lines, default: "", description: "More nginx directives in the `server` block." }),
  },
}));
