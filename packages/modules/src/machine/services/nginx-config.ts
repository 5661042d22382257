/**
 * The text of `nginx.conf` for `services.nginx`, laid out as NixOS's nginx
 * module writes it: the main context (user, pid, logging to stderr, in the
 * foreground for systemd), an `http` block with mime types and temporary
 * directories under `/var/cache/nginx`, one `server` block per virtual host
 * with its `location` blocks, and the free text the options allow.
 */
import type { PackageValue } from "../../types/primitive-types.js";
import type { ConfigOf } from "../../typing/config-of.js";
import { packagePath } from "../../target/package-values.js";
import type { nginxLocationOptions, nginxVirtualHostOptions } from "./nginx-virtual-host.js";

/** A virtual host's options, as read from `config`. */
export type NginxVirtualHost = ConfigOf<typeof nginxVirtualHostOptions>;

/** A location's options, as read from `config`. */
export type NginxLocation = ConfigOf<typeof nginxLocationOptions>;

/** What `nginx.conf` is made of. */
export interface NginxSettings {
  readonly package: PackageValue;
  readonly user: string;
  readonly group: string;
  readonly defaultListenAddresses: readonly string[];
  readonly defaultHTTPListenPort: number;
  readonly virtualHosts: Readonly<Record<string, NginxVirtualHost>>;
  readonly appendHttpConfig: string;
  /** The MIME types file to include, or `null` for the package's `conf/mime.types`. */
  readonly defaultMimeTypes: string | null;
}

/** `text` indented by `depth` levels of two spaces, blank lines kept empty. */
function indent(text: string, depth: number): string {
  const prefix = "  ".repeat(depth);
  return text
    .replace(/\n+$/, "")
    .split("\n")
    .map((line) => (line.trim() === "" ? "" : `${prefix}${line}`))
    .join("\n");
}

/** `name value;` for the values that are set. */
function directives(entries: readonly [string, string | null][]): string[] {
  return entries.filter((entry): entry is [string, string] => entry[1] !== null).map(([name, value]) => `${name} ${value};`);
}

function locationBlock(path: string, location: NginxLocation): string {
  const body = [
    ...directives([
      ["root", location.root],
      ["index", location.index],
      ["try_files", location.tryFiles],
      ["proxy_pass", location.proxyPass],
      ["return", location.return],
    ]),
    ...(location.extraConfig === "" ? [] : [location.extraConfig]),
  ];
  return `location ${path} {\n${indent(body.join("\n"), 1)}\n}`;
}

function sortedLocations(locations: Readonly<Record<string, NginxLocation>>): [string, NginxLocation][] {
  return Object.entries(locations).sort(([pathA, a], [pathB, b]) => a.priority - b.priority || (pathA < pathB ? -1 : pathA > pathB ? 1 : 0));
}

function listenLines(settings: NginxSettings, host: NginxVirtualHost): string[] {
  const listen =
    host.listen.length > 0 ? host.listen : settings.defaultListenAddresses.map((addr) => ({ addr, port: settings.defaultHTTPListenPort, extraParameters: [] as readonly string[] }));
  return listen.map((entry) => `listen ${[`${entry.addr}:${entry.port}`, ...(host.default ? ["default_server"] : []), ...entry.extraParameters].join(" ")};`);
}

function serverBlock(settings: NginxSettings, name: string, host: NginxVirtualHost): string {
  const body = [
    ...listenLines(settings, host),
    `server_name ${[host.serverName ?? name, ...host.serverAliases].join(" ")};`,
    ...directives([["root", host.root]]),
    ...sortedLocations(host.locations).map(([path, location]) => locationBlock(path, location)),
    ...(host.extraConfig === "" ? [] : [host.extraConfig]),
  ];
  return `server {\n${indent(body.join("\n"), 1)}\n}`;
}

/** The text of `nginx.conf`. */
export function nginxConfigText(settings: NginxSettings): string {
  const http = [
    `include ${settings.defaultMimeTypes ?? `${packagePath(settings.package)}/conf/mime.types`};`,
    "default_type application/octet-stream;",
    "access_log /var/log/nginx/access.log;",
    "sendfile on;",
    "client_body_temp_path /var/cache/nginx/client_body;",
    "proxy_temp_path /var/cache/nginx/proxy;",
    "fastcgi_temp_path /var/cache/nginx/fastcgi;",
    "uwsgi_temp_path /var/cache/nginx/uwsgi;",
    "scgi_temp_path /var/cache/nginx/scgi;",
    ...Object.entries(settings.virtualHosts).map(([name, host]) => `\n${serverBlock(settings, name, host)}`),
    ...(settings.appendHttpConfig === "" ? [] : [`\n${settings.appendHttpConfig}`]),
  ];
  return [
    `user ${settings.user} ${settings.group};`,
    "pid /run/nginx/nginx.pid;",
    "error_log stderr;",
    "daemon off;",
    "",
    "events {",
    "}",
    "",
    `http {\n${indent(http.join("\n"), 1)}\n}`,
    "",
  ].join("\n");
}
