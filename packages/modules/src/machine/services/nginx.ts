/**
 * `services.nginx`: the nginx web server with virtual hosts (a subset of
 * NixOS's `services/web-servers/nginx`): `/etc/nginx/nginx.conf`, the
 * `nginx` user and group its workers run as, and a service that checks the
 * configuration, runs nginx in the foreground and reloads it with
 * `systemctl reload nginx`.
 *
 * As NixOS does by default (`enableReload = false`), the service names the
 * configuration by its store path, so a changed configuration changes the
 * unit and a switch restarts nginx. It also makes the service work with a
 * package that runs in an environment of its own, such as a Debian package
 * from `@kiln/debian`, whose `/etc` is its own but which sees the store.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkEnableOption } from "../../options/mk-enable-option.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import { etcOptions } from "../environment/etc.js";
import { systemPackagesOptions } from "../environment/system-packages.js";
import { mkMachinePackageOption } from "../../target/package-option.js";
import { machinePackageSet } from "../../target/package-set.js";
import { packagePath } from "../../target/package-values.js";
import { systemdOptions } from "../systemd/systemd.js";
import { usersOptions } from "../users/users.js";
import { nginxConfigText } from "./nginx-config.js";
import { nginxVirtualHostOptions } from "./nginx-virtual-host.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/services/nginx.ts";

/** Where the configuration is linked in `/etc` (the service reads it by its store path). */
export const NGINX_CONFIG_PATH = "/etc/nginx/nginx.conf";

/** The options of `services.nginx`. */
export const nginxOptions = withOptions().module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  return {
    options: {
      services: {
        nginx: {
          enable: mkEnableOption("nginx, the web server and reverse proxy"),
          package: mkMachinePackageOption(pkgs, ["services", "nginx", "package"], "nginx"),
          user: mkOption({ type: types.str, default: "nginx", description: "The user nginx's worker processes run as; created as a system user when it is `nginx`." }),
          group: mkOption({ type: types.str, default: "nginx", description: "The group nginx's worker processes run as; created when it is `nginx`." }),
          defaultListenAddresses: mkOption({
            type: types.listOf(types.str),
            default: ["0.0.0.0", "[::0]"],
            description: "The addresses virtual hosts without `listen` listen on.",
          }),
          defaultHTTPListenPort: mkOption({ type: types.port, default: 80, description: "The port virtual hosts without `listen` listen on." }),
          virtualHosts: mkOption({
            type: types.attrsOf(types.submodule(nginxVirtualHostOptions)),
            default: {},
            example: { "example.org": { root: "/var/www/example.org", locations: { "/api/": { proxyPass: "http://127.0.0.1:3000" } } } },
            description: "The virtual hosts (`server` blocks), by name (the default `server_name`).",
          }),
          defaultMimeTypes: mkOption({
            type: types.nullOr(types.str),
            default: null,
            defaultText: "${package}/conf/mime.types",
            example: "/etc/nginx/mime.types",
            description:
              "The file of MIME types the `http` block includes; by default the package's `conf/mime.types` (nixpkgs' layout). A Debian package runs in its own environment, whose `/etc/nginx/mime.types` is Debian's: set this to that path.",
          }),
          appendHttpConfig: mkOption({ type: types.lines, default: "", description: "More nginx directives at the end of the `http` block." }),
        },
      },
    },
  };
}));

/** Writes `nginx.conf`, declares the user and group, and runs nginx. */
export const nginx = withOptions(nginxOptions, etcOptions, systemPackagesOptions, systemdOptions, usersOptions).module(located(FILE, (args) => {
  const cfg = args.config.services.nginx;
  const configFile = lazy(() => machinePackageSet(args.pkgs).writeText("nginx.conf", nginxConfigText(cfg)));
  const nginxCommand = lazy(() => `${packagePath(cfg.package)}/bin/nginx -c ${String(configFile.force())}`);
  return {
    key: FILE,
    imports: [nginxOptions],
    config: mkIf(cfg.enable, {
      environment: {
        // The file the service runs with, where people and `nginx -t` look for it.
        etc: { "nginx/nginx.conf": { source: lazy(() => configFile.force()) } },
        systemPackages: lazy(() => [cfg.package]),
      },
      users: {
        users: mkIf(lazy(() => cfg.user === "nginx"), { nginx: { isSystemUser: true, group: lazy(() => cfg.group), description: "nginx web server user" } }),
        // The accounts the package itself needs (a Debian package's, from its maintainer scripts).
        accountsFromPackages: lazy(() => [cfg.package]),
        groups: mkIf(lazy(() => cfg.group === "nginx"), { nginx: {} }),
      },
      systemd: {
        services: {
          nginx: {
            description: "Nginx Web Server",
            wantedBy: ["multi-user.target"],
            after: ["network.target"],
            // Check the configuration first, so that a broken one leaves the running nginx alone.
            preStart: lazy(() => `${nginxCommand.force()} -t`),
            serviceConfig: {
              ExecStart: lazy(() => nginxCommand.force()),
              ExecReload: lazy(() => `${nginxCommand.force()} -s reload`),
              Restart: "always",
              RestartSec: "10s",
              RuntimeDirectory: "nginx",
              CacheDirectory: "nginx",
              LogsDirectory: "nginx",
            },
          },
        },
      },
    }),
  };
}));
