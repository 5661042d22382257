/**
 * How users type machines and their modules: `config` has every machine
 * option (and the options of the user's modules), `pkgs` is the set given
 * to `defineMachine`, and misspelt options are compile errors. Checked by
 * `tsc -p tsconfig.json` at the repository root; the machines are also
 * evaluated, to show the types describe the values.
 */
import type { Derivation } from "@kiln/core";
import type { DefaultPackageSet } from "@kiln/pkgs";
import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import { temporaryStore } from "../../../pkgs/test/temporary-store.js";
import { defineMachine, defineMachineModule, defineModule, mkEnableOption, mkIf, mkOption, types, type MachineConfig, type MachinePackageSet, type PackageValue } from "../../src/index.js";
import { testPackageSet, type TestPackages } from "./fixture.js";

const store = temporaryStore();
afterAll(() => store.dispose());
const pkgs = testPackageSet();
type Pkgs = typeof pkgs;

// A module of the user's own options, and one using them.
const backupOptions = defineModule({
  options: { my: { backup: { enable: mkEnableOption("backups"), target: mkOption({ type: types.str, default: "/srv/backup" }) } } },
});

const backup = defineMachineModule<Pkgs, [typeof backupOptions]>(({ config, pkgs }) => {
  expectTypeOf(pkgs).toEqualTypeOf<Pkgs>();
  expectTypeOf(pkgs.ripgrep).toEqualTypeOf<Derivation>();
  expectTypeOf(config.my.backup.target).toEqualTypeOf<string>();
  expectTypeOf(config.services.openssh.settings.PermitRootLogin).toEqualTypeOf<"yes" | "without-password" | "prohibit-password" | "forced-commands-only" | "no">();
  return {
    config: mkIf(config.my.backup.enable, {
      environment: { systemPackages: [pkgs.ripgrep] },
      systemd: { services: { backup: { script: "true", startAt: "daily", serviceConfig: { Nice: 19 } } } },
    }),
  };
});

describe("typing machines", () => {
  it("the package sets of @kiln/pkgs are machine package sets", () => {
    expectTypeOf<DefaultPackageSet>().toExtend<MachinePackageSet>();
    expectTypeOf<DefaultPackageSet & TestPackages>().toExtend<MachinePackageSet>();
  });

  it("a machine's config has the machine options and the user's, with their types", () => {
    const machine = defineMachine({ pkgs, modules: [backupOptions, backup, { config: { my: { backup: { enable: true } } } }] });
    expectTypeOf(machine.config.services.nginx.enable).toEqualTypeOf<boolean>();
    expectTypeOf(machine.config.networking.hostName).toEqualTypeOf<string>();
    expectTypeOf(machine.config.environment.systemPackages).toEqualTypeOf<PackageValue[]>();
    expectTypeOf(machine.config.my.backup.enable).toEqualTypeOf<boolean>();
    expectTypeOf(machine.pkgs).toEqualTypeOf<Pkgs>();
    expectTypeOf(machine).toExtend<Derivation>();
    expectTypeOf(machine.config).toExtend<MachineConfig>();
    expect(machine.config.my.backup.enable).toBe(true);
    expect(Object.keys(machine.config.systemd.timers)).toContain("backup");
  });

  it("misspelt options and wrong values are compile errors", () => {
    // @ts-expect-error `ngnix` is not an option
    defineMachineModule({ config: { services: { ngnix: { enable: true } } } });
    // @ts-expect-error `enable` takes a boolean
    defineMachineModule({ config: { services: { nginx: { enable: "yes" } } } });
    // @ts-expect-error a virtual host has no `serverNames`
    defineMachineModule({ config: { services: { nginx: { virtualHosts: { a: { serverNames: ["a"] } } } } } });
    defineMachineModule<Pkgs>(({ config, pkgs }) => {
      // @ts-expect-error reading a misspelt option
      void config.services.openssh.setings;
      // @ts-expect-error a name the set does not type is `unknown`, so using it as a package is an error
      void pkgs.ripgerp.drvPath;
      return {};
    });
    // A setting sshd knows but Kiln does not type is allowed.
    defineMachineModule({ config: { services: { openssh: { settings: { MaxAuthTries: 3 } } } } });
  });
});
