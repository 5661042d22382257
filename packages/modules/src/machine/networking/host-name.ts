/**
 * `networking.hostName`: the machine's name, written to `/etc/hostname` as
 * NixOS does (the name the kernel gets at boot; activation does not rename
 * a running machine).
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { mkOption } from "../../options/mk-option.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import { etcOptions } from "../environment/etc.js";
import { located } from "../../target/module-file.js";

const FILE = "@kiln/modules/machine/networking/host-name.ts";

/** The option `networking.hostName`. */
export const hostNameOptions = defineModule({
  _file: FILE,
  options: {
    networking: {
      hostName: mkOption({
        // RFC 1123 labels: letters, digits and inner hyphens, at most 63 characters.
        type: types.strMatching(/|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?/),
        default: "",
        example: "studio",
        description:
          "The machine's host name: letters, digits and hyphens, at most 63 characters. Written to `/etc/hostname`; empty (the default) leaves the host's `/etc/hostname` alone. It is also the default `system.name`.",
      }),
    },
  },
});

/** Writes `/etc/hostname`. */
export const hostName = withOptions(hostNameOptions, etcOptions).module(located(FILE, ({ config }) => ({
  key: FILE,
  imports: [hostNameOptions],
  config: {
    environment: {
      etc: {
        hostname: mkIf(lazy(() => config.networking.hostName !== ""), { text: lazy(() => `${config.networking.hostName}\n`) }),
      },
    },
  },
})));
