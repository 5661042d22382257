/**
 * `services.openssh`: the OpenSSH server (a subset of NixOS's
 * `services/networking/ssh/sshd.nix`): `sshd_config` from typed `settings`
 * (with NixOS's names and defaults) and the ports, host keys generated on
 * first start, the `sshd` privilege separation user, and the `sshd`
 * service.
 *
 * sshd reads its configuration by store path (`sshd -f`; `/etc/ssh/sshd_config`
 * links to the same file), as nginx's module does, so that a package that
 * runs in an environment of its own (Debian's `openssh-server`, whose `/etc`
 * is its closure's) reads it too. For such a package the host keys live in
 * `/var/lib/ssh` (the environment sees the host's `/var`), and `ssh-keygen`
 * and the configuration check run inside the environment.
 */
import { defineModule, withOptions } from "../../modules/define-module.js";
import { renderSshdConfig, type SshdValue } from "../../formats/sshd-config.js";
import { mkEnableOption } from "../../options/mk-enable-option.js";
import { mkOption } from "../../options/mk-option.js";
import { literalExpression } from "../../options/literal.js";
import { lazy } from "../../properties/lazy.js";
import { mkIf } from "../../properties/mk-if.js";
import { types } from "../../types/index.js";
import type { OptionType } from "../../types/option-type.js";
import type { ConfigOf, Definable } from "../../typing/config-of.js";
import { etcOptions } from "../environment/etc.js";
import { systemPackagesOptions } from "../environment/system-packages.js";
import { mkMachinePackageOption } from "../../target/package-option.js";
import { machinePackageSet } from "../../target/package-set.js";
import { packagePath } from "../../target/package-values.js";
import { systemdOptions } from "../systemd/systemd.js";
import { usersOptions } from "../users/users.js";
import { located } from "../../target/module-file.js";
import { isFhsPackage, packageProgram } from "../fhs-package.js";
import type { PackageValue } from "../../types/primitive-types.js";

const FILE = "@kiln/modules/machine/services/openssh.ts";

/** Where the configuration is linked in `/etc` (the service reads it by its store path). */
export const SSHD_CONFIG_PATH = "/etc/ssh/sshd_config";

/** Where the host keys are kept by default: NixOS's place, and for a package with an environment of its own, one it sees. */
export const SSH_HOST_KEY_DIRS = { host: "/etc/ssh", fhs: "/var/lib/ssh" } as const;

/** The default host keys, in `dir`. */
function defaultHostKeys(dir: string): { type: "rsa" | "ed25519"; bits?: number; path: string }[] {
  return [
    { type: "rsa", bits: 4096, path: `${dir}/ssh_host_rsa_key` },
    { type: "ed25519", path: `${dir}/ssh_host_ed25519_key` },
  ];
}

const nullableNames = (description: string) => mkOption({ type: types.nullOr(types.listOf(types.str)), default: null, description });

/** The typed settings of `services.openssh.settings` (others may be added freely). */
export const sshdSettingsOptions = defineModule(located(FILE, {
  freeformType: types.attrsOf(types.nullOr(types.oneOf([types.bool, types.int, types.str, types.listOf(types.oneOf([types.bool, types.int, types.str]))]))),
  options: {
    PasswordAuthentication: mkOption({ type: types.bool, default: true, description: "Whether users may log in with a password." }),
    KbdInteractiveAuthentication: mkOption({ type: types.bool, default: true, description: "Whether keyboard-interactive authentication (one-time passwords, PAM prompts) is allowed." }),
    PermitRootLogin: mkOption({
      type: types.enum(["yes", "without-password", "prohibit-password", "forced-commands-only", "no"]),
      default: "prohibit-password",
      description: "Whether and how root may log in.",
    }),
    X11Forwarding: mkOption({ type: types.bool, default: false, description: "Whether X11 connections are forwarded." }),
    UseDns: mkOption({ type: types.bool, default: false, description: "Whether sshd looks up the remote host's name (and checks it resolves back)." }),
    StrictModes: mkOption({ type: types.bool, default: true, description: "Whether sshd checks the permissions of users' files before accepting a login." }),
    LogLevel: mkOption({
      type: types.nullOr(types.enum(["QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3"])),
      default: "INFO",
      description: "How much sshd logs.",
    }),
    GatewayPorts: mkOption({ type: types.str, default: "no", description: "Whether remote hosts may connect to ports forwarded for the client (`no`, `yes`, `clientspecified`)." }),
    AllowUsers: nullableNames("Only these users may log in (patterns); `null`: anyone."),
    AllowGroups: nullableNames("Only members of these groups may log in; `null`: anyone."),
    DenyUsers: nullableNames("These users may not log in."),
    DenyGroups: nullableNames("Members of these groups may not log in."),
    Ciphers: nullableNames("The ciphers allowed; `null`: sshd's defaults."),
    Macs: nullableNames("The MAC algorithms allowed; `null`: sshd's defaults."),
    KexAlgorithms: nullableNames("The key exchange algorithms allowed; `null`: sshd's defaults."),
  },
}));

/** The value of `services.openssh.settings`: the typed settings, and any other sshd keyword. */
export type SshdSettings = ConfigOf<typeof sshdSettingsOptions> & { readonly [keyword: string]: SshdValue };

// The submodule's static type knows only the declared settings; the freeform type takes the others.
const sshdSettingsType = types.submodule(sshdSettingsOptions) as unknown as OptionType<SshdSettings, Definable<SshdSettings>>;

/** One host key. */
export const sshHostKeyOptions = defineModule(located(FILE, {
  options: {
    type: mkOption({ type: types.enum(["rsa", "ecdsa", "ed25519"]), description: "The key's type (`ssh-keygen -t`)." }),
    path: mkOption({ type: types.str, description: "Where the key is kept; generated on the service's first start." }),
    bits: mkOption({ type: types.nullOr(types.int), default: null, description: "The key's size (`ssh-keygen -b`), for RSA and ECDSA keys." }),
  },
}));

/** The options of `services.openssh`. */
export const opensshOptions = withOptions().module(located(FILE, (args) => {
  const pkgs = machinePackageSet(args.pkgs);
  const config = args.config as unknown as { readonly services: { readonly openssh: { readonly package: PackageValue } } };
  return {
    options: {
      services: {
        openssh: {
          enable: mkEnableOption("the OpenSSH server"),
          package: mkMachinePackageOption(pkgs, ["services", "openssh", "package"], "openssh"),
          ports: mkOption({ type: types.listOf(types.port), default: [22], description: "The ports sshd listens on." }),
          hostKeys: mkOption({
            type: types.listOf(types.submodule(sshHostKeyOptions)),
            default: lazy(() => defaultHostKeys(isFhsPackage(config.services.openssh.package) ? SSH_HOST_KEY_DIRS.fhs : SSH_HOST_KEY_DIRS.host)),
            defaultText: `an RSA (4096 bits) and an Ed25519 key in ${SSH_HOST_KEY_DIRS.host}, or in ${SSH_HOST_KEY_DIRS.fhs} for a package that runs in an environment of its own (Debian's openssh-server)`,
            description: "The host keys, generated when missing by the service's `ExecStartPre`, with the package's `ssh-keygen`. They must lie where the package's sshd sees them: a Debian package's environment has its own `/etc`, but the host's `/var`.",
          }),
          allowSFTP: mkOption({ type: types.bool, default: true, description: "Whether to run the package's SFTP server for `sftp` clients." }),
          settings: mkOption({
            type: sshdSettingsType,
            default: {},
            example: literalExpression(`{ PasswordAuthentication: false, PermitRootLogin: "no", MaxAuthTries: 3 }`),
            description: "Settings of `/etc/ssh/sshd_config` (sshd_config(5)): the typed ones here, and any other keyword; booleans are written `yes`/`no`.",
          }),
          extraConfig: mkOption({ type: types.lines, default: "", description: "Text appended to `sshd_config` (`Match` blocks go here)." }),
        },
      },
    },
  };
}));

/** The shell code that makes missing host keys (NixOS's `preStart`), then checks the configuration (`sshd -t`). */
function preStartScript(keygen: string, check: string, keys: readonly { readonly type: string; readonly path: string; readonly bits: number | null }[]): string {
  const lines = ["# Messages go to the journal, never to a client.", "exec >&2"];
  for (const key of keys) {
    const path = JSON.stringify(key.path);
    lines.push(
      `if ! [ -s ${path} ]; then`,
      `  if ! [ -h ${path} ]; then rm -f ${path}; fi`,
      `  mkdir -m 0755 -p "$(dirname ${path})"`,
      `  ${keygen} -t ${key.type}${key.bits === null ? "" : ` -b ${key.bits}`} -f ${path} -N ""`,
      "fi",
    );
  }
  lines.push(check);
  return lines.join("\n");
}

/** The text of `sshd_config`. */
function sshdConfigText(cfg: { readonly package: unknown; readonly ports: readonly number[]; readonly hostKeys: readonly { readonly path: string }[]; readonly allowSFTP: boolean; readonly settings: SshdSettings; readonly extraConfig: string }, sftpServer: string): string {
  const fixed: Record<string, SshdValue> = {
    Port: cfg.ports,
    HostKey: cfg.hostKeys.map((key) => key.path),
    ...(cfg.allowSFTP ? { Subsystem: `sftp ${sftpServer}` } : {}),
  };
  return renderSshdConfig({ ...fixed, ...cfg.settings }, cfg.extraConfig);
}

/** Writes `sshd_config`, declares the `sshd` user, and runs sshd. */
export const openssh = withOptions(opensshOptions, etcOptions, systemPackagesOptions, systemdOptions, usersOptions).module(located(FILE, (args) => {
  const { config } = args;
  const cfg = config.services.openssh;
  // Debian's sftp-server lies in its environment's /usr/lib/openssh; nixpkgs' in the package's libexec.
  const sftpServer = (): string => (isFhsPackage(cfg.package) ? "/usr/lib/openssh/sftp-server" : `${packagePath(cfg.package)}/libexec/sftp-server`);
  const configFile = lazy(() => machinePackageSet(args.pkgs).writeText("sshd_config", sshdConfigText(cfg, sftpServer())));
  const sshd = lazy(() => packageProgram(cfg.package, "sshd", "/usr/sbin/sshd"));
  return {
    key: FILE,
    imports: [opensshOptions],
    config: mkIf(cfg.enable, {
      environment: {
        etc: { "ssh/sshd_config": { source: lazy(() => configFile.force()) } },
        systemPackages: lazy(() => [cfg.package]),
      },
      users: {
        // Declared here, so it wins over the one Debian's openssh-server would make (group nogroup, home /run/sshd).
        users: { sshd: { isSystemUser: true, group: "sshd", description: "SSH privilege separation user" } },
        accountsFromPackages: lazy(() => [cfg.package]),
        groups: { sshd: {} },
      },
      systemd: {
        services: {
          sshd: {
            description: "SSH Daemon",
            wantedBy: ["multi-user.target"],
            after: ["network.target"],
            preStart: lazy(() => preStartScript(packageProgram(cfg.package, "ssh-keygen", "/usr/bin/ssh-keygen"), `${sshd.force()} -t -f ${String(configFile.force())}`, cfg.hostKeys)),
            serviceConfig: {
              // The wrapper of a package with an environment runs /usr/sbin/sshd inside it: an absolute path, which sshd needs to re-execute itself.
              ExecStart: lazy(() => `${packagePath(cfg.package)}/bin/sshd -D -f ${String(configFile.force())}`),
              KillMode: "process",
              Restart: "always",
              Type: "simple",
              // /run/sshd: the privilege separation directory (Debian's sshd chroots its unprivileged child there).
              RuntimeDirectory: "sshd",
            },
          },
        },
      },
    }),
  };
}));
