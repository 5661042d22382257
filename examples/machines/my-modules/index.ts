/**
 * `@example/my-modules`: the module every one of my machines imports. It is
 * an ordinary package (here a workspace package; it could be on npm), so
 * sharing it across machines, or with friends, is `import { my } from …`.
 *
 * It declares two switches, `my.streaming.enable` and `my.gaming.enable`,
 * that turn on a whole setup each, and sets up what every machine of mine
 * has: my user, bash and git, ssh, a nightly backup job and Kiln's
 * garbage collector.
 */
import type { Derivation } from "@kiln/core";
import { defineMachineModule, defineModule, mkDefault, mkEnableOption, mkIf, mkMerge, type MachinePackageSet } from "@kiln/modules";

/** The packages this module needs from the machine's package set: the type checks that every machine's set has them. */
export interface MyPackageNeeds {
  readonly "obs-studio": Derivation;
  /** The OBS plugins I use, by name. */
  readonly obsPlugins: Readonly<Record<string, Derivation>>;
  readonly steam: Derivation;
  readonly mangohud: Derivation;
  readonly htop: Derivation;
  readonly git: Derivation;
  readonly openssh: Derivation;
  readonly backup: Derivation;
}

/** A machine package set with what this module needs. */
export type MyPackages = MachinePackageSet & MyPackageNeeds;

/** The options of my module. */
export const myOptions = defineModule({
  options: {
    my: {
      streaming: { enable: mkEnableOption("OBS Studio with every plugin I use, and its virtual camera") },
      gaming: { enable: mkEnableOption("the gaming setup (Steam, MangoHud)") },
    },
  },
});

/** My module: import it on every machine. */
export const my = defineMachineModule<MyPackages, [typeof myOptions]>(({ config, pkgs }) => ({
  imports: [myOptions],
  config: mkMerge([
    {
      environment: {
        systemPackages: [pkgs.htop],
        etc: { motd: { text: `Welcome to ${config.networking.hostName}, managed by Kiln.\n` } },
        variables: { EDITOR: "vi" },
      },
      users: { users: { alice: { isNormalUser: true, description: "Alice", extraGroups: ["wheel"] } }, groups: { wheel: {} } },
      programs: { bash: { enable: true, shellAliases: { ll: "ls -l" } }, git: { enable: true } },
      services: { openssh: { enable: true, settings: { PasswordAuthentication: false, PermitRootLogin: "no" } } },
      systemd: {
        services: {
          backup: {
            description: "Nightly backup of /home",
            path: [pkgs.backup],
            script: "backup /home",
            startAt: "daily",
            serviceConfig: { Type: "oneshot" },
          },
        },
      },
      kiln: { gc: { automatic: true, dates: "weekly", options: "--delete-older-than 30d" } },
    },
    mkIf(config.my.streaming.enable, {
      programs: {
        "obs-studio": {
          enable: true,
          plugins: Object.values(pkgs.obsPlugins),
          // On by default; a machine without a camera use can turn it off.
          enableVirtualCamera: mkDefault(true),
        },
      },
      users: { users: { alice: { extraGroups: ["video"] } }, groups: { video: {} } },
    }),
    mkIf(config.my.gaming.enable, {
      environment: { systemPackages: [pkgs.steam, pkgs.mangohud] },
    }),
  ]),
}));
