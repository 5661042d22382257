/**
 * Machines evaluated, not built: what the machine modules check and how
 * they report mistakes, naming the option (and the file) to change.
 */
import { isDerivation } from "@kiln/core";
import { defaultPackageSet } from "@kiln/pkgs";
import { afterAll, describe, expect, it } from "vitest";
import { temporaryStore } from "../../../pkgs/test/temporary-store.js";
import {
  AssertionsFailedError,
  FormatError,
  MachineConfigError,
  TargetConfigError,
  MissingPackageError,
  OptionNotFoundError,
  activationOrder,
  defineMachine,
  defineMachineModule,
  machineModules,
  mkForce,
} from "../../src/index.js";
import { errorOf, evaluate } from "../evaluate.js";
import { testPackageSet } from "./fixture.js";

const store = temporaryStore();
afterAll(() => store.dispose());
const pkgs = testPackageSet();

/** A machine of `config` alone. */
function machineOf(config: Parameters<typeof defineMachineModule>[0]) {
  return defineMachine({ pkgs, modules: [defineMachineModule(config)] });
}

describe("defineMachine", () => {
  it("returns the toplevel derivation, with the evaluation in properties Kiln's commands do not walk", () => {
    const machine = machineOf({ config: { networking: { hostName: "box" } } });
    expect(isDerivation(machine)).toBe(true);
    expect(Object.getPrototypeOf(machine)).toBe(machine.config.system.build.toplevel);
    expect(Object.keys(machine)).toEqual([]);
    expect(machine.config.networking.hostName).toBe("box");
    expect(machine.pkgs).toBe(pkgs);
    expect(typeof machine.extendModules).toBe("function");
    expect("options" in machine && "config" in machine).toBe(true);
  });

  it("names the system after the host, or `name', or unnamed", () => {
    expect(machineOf({ config: { networking: { hostName: "box" } } }).name).toBe("kiln-system-box");
    expect(defineMachine({ pkgs, modules: [], name: "studio" }).config.system.name).toBe("studio");
    expect(defineMachine({ pkgs, modules: [] }).name).toBe("kiln-system-unnamed");
  });

  it("needs a package set, as the module argument pkgs", () => {
    expect(errorOf(() => evaluate(machineModules).config.system.build.toplevel).message).toMatch(
      /^The module argument `pkgs' requested by `@kiln\/modules\/machine\/[^']+' is not defined\. Pass it in `specialArgs`/,
    );
    const error = errorOf(() => evaluate(machineModules, { specialArgs: { pkgs: { hello: "x" } } }).config.system.build.toplevel);
    expect(error).toBeInstanceOf(TargetConfigError);
    expect(error.message).toContain("lacks the builders `writeText', `writeShellScript'");
  });
});

describe("mistakes are reported with the option to change", () => {
  it("a misspelt option, with the file and line of the definition and a suggestion", () => {
    const error = errorOf(() =>
      defineMachine({
        pkgs,
        // @ts-expect-error `enabel` is not an option of services.nginx
        modules: [defineMachineModule({ config: { services: { nginx: { enabel: true } } } })],
      }),
    );
    expect(error).toBeInstanceOf(OptionNotFoundError);
    expect(error.message).toContain("The option `services.nginx.enabel' does not exist.");
    expect(error.message).toMatch(/machine-evaluation\.test\.ts:\d+:\d+/);
    expect(error.message).toContain("enable");
  });

  it("a user both normal and system user, and a system user without a group, as NixOS's assertions", () => {
    const error = errorOf(() => machineOf({ config: { users: { users: { bob: { isNormalUser: true, isSystemUser: true }, daemon: { isSystemUser: true } } } } }));
    expect(error).toBeInstanceOf(AssertionsFailedError);
    expect((error as AssertionsFailedError).failures).toEqual([
      "Exactly one of users.users.bob.isSystemUser and users.users.bob.isNormalUser must be set.",
      'users.users.daemon.group is unset. A system user needs a group of its own; create one with: users: { users: { "daemon": { group: "daemon" } }, groups: { "daemon": {} } }.',
    ]);
  });

  it("OpenSSH whose package runs in its own environment (has fhsRun) keeps its host keys in /var/lib/ssh and runs ssh-keygen and sshd -t through the runner", () => {
    const environment = pkgs.writeText("openssh-server-environment", "");
    const runner = `${String(environment)}/libexec/kiln-fhs-run`;
    const openssh = Object.assign(Object.create(environment) as typeof environment, { fhsRun: runner });
    const machine = machineOf({ config: { services: { openssh: { enable: true, package: openssh } } } });
    const cfg = machine.config.services.openssh;
    expect(cfg.hostKeys.map((key) => key.path)).toEqual(["/var/lib/ssh/ssh_host_rsa_key", "/var/lib/ssh/ssh_host_ed25519_key"]);
    const service = machine.config.systemd.services["sshd"];
    expect(service?.preStart).toContain(`${runner} /usr/bin/ssh-keygen -t ed25519 -f "/var/lib/ssh/ssh_host_ed25519_key" -N ""`);
    expect(service?.preStart).toMatch(new RegExp(`${runner.replace(/[.+]/g, "\\$&")} /usr/sbin/sshd -t -f \\S+-sshd_config$`));
    expect(service?.serviceConfig["ExecStart"]).toMatch(new RegExp(`^${String(environment)}/bin/sshd -D -f \\S+-sshd_config$`));
    // The users the package itself needs are read from it on activation.
    expect(machine.config.users.accountsFromPackages).toEqual([openssh]);
    // A package without a runner keeps NixOS's place.
    expect(machineOf({ config: { services: { openssh: { enable: true } } } }).config.services.openssh.hostKeys.map((key) => key.path)).toEqual(["/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ed25519_key"]);
  });

  it("OBS whose package has withPackages (a package running in its own environment) gets its plugins through it, not wrapOBS's join", () => {
    const environment = pkgs.writeText("obs-with-plugins", "");
    const given: unknown[] = [];
    const obs = Object.assign(Object.create(pkgs["obs-studio"]) as typeof pkgs["obs-studio"], {
      withPackages(others: readonly unknown[]) {
        given.push(...others);
        return environment;
      },
    });
    const plugin = pkgs.obsPlugins["obs-backgroundremoval"];
    const machine = machineOf({ config: { programs: { "obs-studio": { enable: true, package: obs, plugins: [plugin] } } } });
    expect(machine.config.programs["obs-studio"].finalPackage).toBe(environment);
    expect(given).toEqual([plugin]);
    expect(machine.config.environment.systemPackages).toContain(environment);
  });

  it("a package the set lacks, naming the option to set instead", () => {
    const error = errorOf(() => defineMachine({ pkgs: defaultPackageSet(), modules: [defineMachineModule({ config: { programs: { "obs-studio": { enable: true } } } })] }));
    expect(error).toBeInstanceOf(MissingPackageError);
    expect(error.message).toBe(
      "The option `programs.obs-studio.package' has no value: its default is `pkgs.obs-studio', and the package set given to the machine has no `obs-studio'. Set `programs.obs-studio.package' to a package in one of your modules, or give the machine a package set that has `obs-studio' (for instance with an overlay: pkgs.extend(…)).",
    );
  });

  it("the same for a package option that is only read when its program is enabled", () => {
    expect(machineOf({ config: {} }).config.programs.git.enable).toBe(false);
    const error = errorOf(() => machineOf({ config: { programs: { git: { enable: true } } } }));
    expect(error).toBeInstanceOf(MissingPackageError);
    expect(error.message).toContain("Set `programs.git.package' to a package");
    const withGit = machineOf({ config: { programs: { git: { enable: true, package: pkgs.ripgrep } } } });
    expect(withGit.config.environment.systemPackages).toContain(pkgs.ripgrep);
  });

  it("two /etc entries for one file", () => {
    const error = errorOf(() => machineOf({ config: { environment: { etc: { issue: { text: "a" }, banner: { text: "b", target: "issue" } } } } }));
    expect(error).toBeInstanceOf(MachineConfigError);
    expect(error.message).toBe("/etc/issue is defined twice, by environment.etc.issue and environment.etc.banner: disable one of them (`enable = false') or give it another `target'.");
  });

  it("an /etc entry inside another, and one whose source is not in the store", () => {
    const dir = pkgs.writeText("conf", "x");
    expect(errorOf(() => machineOf({ config: { environment: { etc: { nginx: { source: dir }, "nginx/extra.conf": { text: "x" } } } } })).message).toContain(
      "/etc/nginx/extra.conf (environment.etc.\"nginx/extra.conf\") is inside /etc/nginx (environment.etc.nginx)",
    );
    expect(errorOf(() => machineOf({ config: { environment: { etc: { hosts: { source: "/home/me/hosts" } } } } })).message).toContain(
      "environment.etc.hosts.source is `/home/me/hosts', which is not in the store",
    );
  });

  it("a service setting with a line break, and an environment variable name systemd cannot take", () => {
    const multiLine = errorOf(() => machineOf({ config: { systemd: { services: { job: { serviceConfig: { ExecStart: "a\nb" } } } } } }));
    expect(multiLine).toBeInstanceOf(FormatError);
    expect(multiLine.message).toContain("systemd.services.job: the setting [Service] ExecStart has a value with a line break");
    expect(errorOf(() => machineOf({ config: { systemd: { services: { job: { environment: { "1X": "y" } } } } } })).message).toBe(
      "`1X' in systemd.services.job.environment is not a valid environment variable name: use letters, digits and _, not starting with a digit.",
    );
  });
});

describe("NixOS's ways of changing what modules define", () => {
  it("a disabled unit is not written; mkForce wins over a module's setting", () => {
    const machine = machineOf({
      config: {
        services: { nginx: { enable: true } },
        systemd: { services: { nginx: { enable: false } }, timers: {} },
        kiln: { gc: { automatic: true } },
      },
    });
    const etc = machine.config.environment.etc;
    expect(Object.keys(etc).filter((name) => name.includes("nginx.service"))).toEqual([]);
    const forced = machineOf({ config: { services: { nginx: { enable: true } }, systemd: { services: { nginx: { serviceConfig: { Restart: mkForce("no") } } } } } });
    expect(forced.config.systemd.services["nginx"]?.serviceConfig["Restart"]).toBe("no");
  });

  it("a machine module is replaced by its key in disabledModules", () => {
    const machine = machineOf({ disabledModules: ["@kiln/modules/machine/kiln/gc.ts"], config: {} });
    expect(Object.keys(machine.config.systemd.services)).not.toContain("kiln-gc");
    expect(Object.keys(machineOf({ config: {} }).config.systemd.services)).toContain("kiln-gc");
  });

  it("a service's startAt, as one expression or a list, makes its timer", () => {
    const machine = machineOf({ config: { systemd: { services: { a: { script: "true", startAt: "daily" }, b: { script: "true", startAt: ["Mon", "Fri"] }, c: { script: "true" } } } } });
    expect(machine.config.systemd.timers["a"]?.timerConfig["OnCalendar"]).toEqual(["daily"]);
    expect(machine.config.systemd.timers["b"]?.timerConfig["OnCalendar"]).toEqual(["Mon", "Fri"]);
    expect(machine.config.systemd.timers["c"]).toBeUndefined();
  });
});

describe("small modules", () => {
  it("hardware.graphics links its driver packages at /run/opengl-driver and under /etc/kiln, only when enabled", () => {
    const on = machineOf({ config: { hardware: { graphics: { enable: true, extraPackages: [pkgs.ripgrep] } } } });
    const drivers = String(on.config.environment.etc["kiln/graphics-drivers"]?.source);
    expect(drivers).toMatch(/-graphics-drivers$/);
    expect(Object.fromEntries(Object.entries(on.config.system.runtimeLinks).map(([path, target]) => [path, String(target)]))).toEqual({ "/run/opengl-driver": drivers });
    const off = machineOf({ config: { hardware: { graphics: { extraPackages: [pkgs.ripgrep] } } } });
    expect(off.config.environment.etc["kiln/graphics-drivers"]).toBeUndefined();
    expect(off.config.system.runtimeLinks).toEqual({});
  });

  it("system.runtimeLinks takes only paths below /run", () => {
    expect(() => machineOf({ config: { system: { runtimeLinks: { "/etc/drivers": pkgs.ripgrep } } } }).drvPath).toThrow("system.runtimeLinks: '/etc/drivers' is not a path below /run");
  });

  it("writes no hostname, timezone or kernel module files unless they are set", () => {
    const etc = Object.keys(machineOf({ config: {} }).config.environment.etc);
    expect(etc.filter((name) => !name.startsWith("systemd/"))).toEqual(["profile.d/kiln-environment.sh"]);
  });
});

describe("activation script order", () => {
  const snippet = (deps: string[] = []) => ({ text: "true", deps });

  it("puts dependencies first, and otherwise sorts by name", () => {
    expect(activationOrder({ users: snippet(["etc"]), etc: snippet(), a: snippet(["users"]), z: snippet() })).toEqual(["etc", "users", "a", "z"]);
  });

  it("reports a dependency that does not exist", () => {
    expect(errorOf(() => activationOrder({ a: snippet(["missing"]) })).message).toBe(
      "system.activationScripts.a.deps names `missing', but there is no activation script of that name (system.activationScripts.missing). Known: a.",
    );
  });

  it("reports a cycle", () => {
    expect(errorOf(() => activationOrder({ a: snippet(["b"]), b: snippet(["a"]) })).message).toBe(
      "The activation scripts depend on each other in a cycle: a -> b -> a. Remove one of these from the `deps' of system.activationScripts.b.deps.",
    );
  });
});
