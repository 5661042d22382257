/**
 * A whole machine, evaluated with a real package set and built with the
 * local realiser into a temporary store: the toplevel's layout, the
 * activation manifest, and the files the machine modules write.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { ACTIVATION_MANIFEST_FILE, type ActivationManifest } from "@kiln/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { temporaryStore } from "../../../pkgs/test/temporary-store.js";
import { defineMachine, defineMachineModule } from "../../src/index.js";
import { testPackageSet } from "./fixture.js";

describe("a machine's toplevel", () => {
  const store = temporaryStore();
  const pkgs = testPackageSet();
  const index = pkgs.writeText("index.html", "<h1>hello</h1>\n");

  const web = defineMachineModule<typeof pkgs>(({ pkgs }) => ({
    config: {
      networking: { hostName: "web" },
      time: { timeZone: "Europe/Amsterdam" },
      environment: {
        systemPackages: [pkgs.ripgrep],
        variables: { EDITOR: "vi", XDG_DATA_DIRS: ["/usr/local/share", "/usr/share"], GREETING: 'say "hi" to $USER' },
        etc: {
          motd: { text: "Welcome to web\n" },
          "sudoers.d/alice": { text: "alice ALL=(ALL) ALL\n", mode: "0440", group: "wheel" },
          "www/index.html": { source: index },
        },
      },
      // The other name of environment.systemPackages.
      system: {
        environmentPackages: [pkgs.tool],
        activationScripts: { zz: "echo last", setup: { text: "echo setup", deps: ["base"] }, base: 'mkdir -p "$KILN_ROOT/srv"' },
      },
      users: {
        users: {
          alice: { isNormalUser: true, extraGroups: ["wheel", "deploy"], shell: pkgs.tool, description: "Alice" },
          backup: { isSystemUser: true, group: "backup", uid: 400 },
        },
        groups: { deploy: { gid: 2000, members: ["bob"] }, backup: {} },
      },
      boot: { kernelModules: ["kvm-intel"] },
      programs: {
        bash: { enable: true, shellAliases: { ll: "ls -l", quote: "echo 'quoted'" }, interactiveShellInit: "set -o vi" },
        "obs-studio": { enable: true, plugins: [pkgs.obsPlugins["obs-backgroundremoval"]], enableVirtualCamera: true },
      },
      services: {
        nginx: {
          enable: true,
          virtualHosts: {
            "example.org": {
              serverAliases: ["www.example.org"],
              root: "/srv/www",
              locations: { "/api/": { proxyPass: "http://127.0.0.1:3000" }, "= /health": { return: "200 ok", priority: 500 } },
            },
            internal: { serverName: "internal.example.org", listen: [{ addr: "127.0.0.1", port: 8080 }], extraConfig: "access_log off;" },
          },
        },
        openssh: {
          enable: true,
          ports: [22, 2222],
          settings: { PasswordAuthentication: false, PermitRootLogin: "no", KexAlgorithms: ["curve25519-sha256", "sntrup761x25519-sha512@openssh.com"], AllowUsers: ["alice", "bob"] },
        },
        fstrim: { enable: true },
      },
      systemd: {
        services: {
          report: {
            description: "Nightly report",
            wants: ["network-online.target"],
            after: ["network-online.target"],
            wantedBy: ["multi-user.target"],
            script: "rg --version",
            environment: { REPORT_TITLE: 'say "hi" to 100% of\tyou\\me' },
            path: [pkgs.ripgrep],
            startAt: "hourly",
            serviceConfig: { User: "alice", NoNewPrivileges: true, ReadWritePaths: ["/var/lib/report", "/tmp"], TimeoutSec: 30 },
          },
        },
      },
      kiln: { gc: { automatic: true, dates: "weekly", options: "--print-roots" } },
    },
  }));

  const machine = defineMachine({ pkgs, modules: [web] });
  const out = machine.outputs["out"]?.path ?? "";
  let manifest: ActivationManifest;
  const file = (target: string): string => readFileSync(join(out, "etc", target), "utf8");

  beforeAll(async () => {
    await store.build(machine);
    manifest = JSON.parse(readFileSync(join(out, ACTIVATION_MANIFEST_FILE), "utf8")) as ActivationManifest;
  }, 120_000);
  afterAll(() => store.dispose());

  it("is named after the host and holds the manifest, sw, etc and config.json", () => {
    expect(machine.name).toBe("kiln-system-web");
    expect(readdirSync(out).sort()).toEqual(["config.json", "etc", ACTIVATION_MANIFEST_FILE, "sw"].sort());
    expect(readlinkSync(join(out, "sw"))).toBe(String(machine.config.system.path));
    expect(manifest).toMatchObject({ version: 1, kind: "machine", name: "web" });
  });

  it("links sw to the system packages, from both names of the option, and those the modules add", () => {
    expect(readdirSync(join(out, "sw", "bin")).sort()).toEqual(["nginx", "obs", "rg", "ssh", "ssh-keygen", "sshd", "tool"]);
    expect(machine.config.system.environmentPackages).toEqual(machine.config.environment.systemPackages);
    expect(manifest.packages.map((entry) => entry.name).sort()).toEqual(["nginx-1.27.0", "openssh-9.8", "ripgrep-14.1", "tool-1.0", "wrapped-obs-studio-30.2"]);
    expect(manifest.packages.find((entry) => entry.name === "tool-1.0")).toEqual({ name: "tool-1.0", pname: "tool", version: "1.0", path: String(pkgs.tool) });
  });

  it("links only environment.pathsToLink into sw: NixOS's directories and the ones a module adds, never a package's other trees", async () => {
    const app = pkgs.runCommand("app-1.0", {}, [
      'mkdir -p "$out/bin" "$out/share/doc/app" "$out/share/applications" "$out/root/usr/lib" "$out/lib/sysusers.d"',
      'echo app > "$out/bin/app"; echo doc > "$out/share/doc/app/README"; echo entry > "$out/share/applications/app.desktop"',
      'echo lib > "$out/root/usr/lib/libapp.so"; echo "u app - -" > "$out/lib/sysusers.d/app.conf"',
    ].join("\n"));
    const plain = defineMachine({ pkgs, modules: [{ networking: { hostName: "plain" }, environment: { systemPackages: [app] } }] });
    const desktop = defineMachine({ pkgs, modules: [{ networking: { hostName: "desktop" }, environment: { systemPackages: [app], pathsToLink: ["/share/applications"] } }] });
    await store.build(plain);
    await store.build(desktop);
    const sw = (m: typeof plain, ...parts: string[]): string[] => readdirSync(join(m.outputs["out"]?.path ?? "", "sw", ...parts)).sort();
    expect(sw(plain)).toEqual(["bin", "lib"]);
    expect(sw(plain, "lib", "sysusers.d")).toEqual(["app.conf"]);
    expect(sw(desktop)).toEqual(["bin", "lib", "share"]);
    expect(sw(desktop, "share")).toEqual(["applications"]);
    expect(desktop.config.environment.pathsToLink).toContain("/bin");
  });

  it("mirrors the manifest's files as links under etc/", () => {
    for (const [target, entry] of Object.entries(manifest.files)) expect(readlinkSync(join(out, "etc", target))).toBe(entry.source);
    expect(Object.keys(manifest.files)).toEqual([...Object.keys(manifest.files)].sort());
  });

  it("writes environment.etc entries from text and source, with mode, user and group", () => {
    expect(file("motd")).toBe("Welcome to web\n");
    expect(manifest.files["motd"]).toMatchObject({ mode: "symlink", user: "root", group: "root" });
    expect(manifest.files["sudoers.d/alice"]).toMatchObject({ mode: "0440", user: "root", group: "wheel" });
    expect(file("sudoers.d/alice")).toBe("alice ALL=(ALL) ALL\n");
    expect(manifest.files["www/index.html"]?.source).toBe(String(index));
    expect(file("hostname")).toBe("web\n");
    expect(file("timezone")).toBe("Europe/Amsterdam\n");
  });

  it("exports environment.variables and the system packages' PATH in profile.d", () => {
    const script = file("profile.d/kiln-environment.sh");
    expect(script).toContain(`export PATH="${String(machine.config.system.path)}/bin:${String(machine.config.system.path)}/sbin\${PATH:+:$PATH}"`);
    expect(script).toContain('export EDITOR="vi"');
    expect(script).toContain('export XDG_DATA_DIRS="/usr/local/share:/usr/share"');
    expect(script).toContain('export GREETING="say \\"hi\\" to $USER"');
    const greeting = execFileSync("/bin/sh", ["-c", `USER=alice; . ${join(out, "etc", "profile.d/kiln-environment.sh")}; printf '%s|%s' "$GREETING" "$(command -v rg)"`], { encoding: "utf8" });
    expect(greeting).toBe(`say "hi" to alice|${String(machine.config.system.path)}/bin/rg`);
  });

  it("declares users and groups, with NixOS's defaults for normal and system users", () => {
    expect(manifest.users["alice"]).toEqual({
      uid: null,
      isSystemUser: false,
      description: "Alice",
      group: "users",
      extraGroups: ["wheel", "deploy"],
      home: "/home/alice",
      createHome: true,
      shell: `${String(pkgs.tool)}/bin/tool`,
    });
    expect(manifest.users["backup"]).toEqual({ uid: 400, isSystemUser: true, description: "", group: "backup", extraGroups: [], home: "/var/empty", createHome: false, shell: "/usr/sbin/nologin" });
    expect(manifest.users["nginx"]).toMatchObject({ isSystemUser: true, group: "nginx" });
    expect(manifest.users["sshd"]).toMatchObject({ isSystemUser: true, group: "sshd", description: "SSH privilege separation user" });
    expect(manifest.groups).toEqual({ deploy: { gid: 2000, members: ["bob"] }, backup: { gid: null, members: [] }, nginx: { gid: null, members: [] }, sshd: { gid: null, members: [] }, users: { gid: 100, members: [] } });
  });

  it("orders activation scripts by their deps, then by name, each a script in the store", () => {
    expect(manifest.activationScripts.map((script) => script.name)).toEqual(["base", "setup", "zz"]);
    const setup = readFileSync((manifest.activationScripts[1] as { script: string }).script, "utf8");
    expect(setup).toMatch(/^#!\S*bash\n/);
    expect(setup).toContain("echo setup");
  });

  it("writes nginx.conf with the virtual hosts and their locations, and runs nginx with it", () => {
    const conf = file("nginx/nginx.conf");
    expect(conf).toContain(`include ${String(pkgs.nginx)}/conf/mime.types;`);
    expect(conf).toContain("user nginx nginx;\npid /run/nginx/nginx.pid;\nerror_log stderr;\ndaemon off;\n");
    expect(conf).toContain(
      [
        "  server {",
        "    listen 0.0.0.0:80;",
        "    listen [::0]:80;",
        "    server_name example.org www.example.org;",
        "    root /srv/www;",
        "    location = /health {",
        "      return 200 ok;",
        "    }",
        "    location /api/ {",
        "      proxy_pass http://127.0.0.1:3000;",
        "    }",
        "  }",
      ].join("\n"),
    );
    expect(conf).toContain("  server {\n    listen 127.0.0.1:8080;\n    server_name internal.example.org;\n    access_log off;\n  }");
    // The service names the file by its store path (NixOS's default), the one /etc/nginx/nginx.conf links to.
    const confPath = readlinkSync(join(out, "etc", "nginx", "nginx.conf"));
    expect(confPath).toMatch(/-nginx\.conf$/);
    const unit = file("systemd/system/nginx.service");
    expect(unit).toContain(`ExecStart=${String(pkgs.nginx)}/bin/nginx -c ${confPath}\n`);
    expect(unit).toContain(`ExecReload=${String(pkgs.nginx)}/bin/nginx -c ${confPath} -s reload\n`);
    const preStart = /ExecStartPre=(\S+)/.exec(unit)?.[1] ?? "";
    expect(readFileSync(preStart, "utf8")).toContain(`${String(pkgs.nginx)}/bin/nginx -c ${confPath} -t`);
  });

  it("writes sshd_config from the ports, host keys and typed and free settings; sshd reads it by store path and checks it before starting", () => {
    const lines = file("ssh/sshd_config").split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        "Port 22",
        "Port 2222",
        "HostKey /etc/ssh/ssh_host_ed25519_key",
        `Subsystem sftp ${String(pkgs.openssh)}/libexec/sftp-server`,
        "PasswordAuthentication no",
        "PermitRootLogin no",
        "KexAlgorithms curve25519-sha256,sntrup761x25519-sha512@openssh.com",
        "AllowUsers alice bob",
        "X11Forwarding no",
      ]),
    );
    expect(lines.some((line) => line.startsWith("Ciphers"))).toBe(false);
    const unit = file("systemd/system/sshd.service");
    // The unit names the file /etc/ssh/sshd_config links to.
    const configFile = readlinkSync(join(out, "etc/ssh/sshd_config"));
    expect(unit).toContain(`ExecStart=${String(pkgs.openssh)}/bin/sshd -D -f ${configFile}\n`);
    const preStart = readFileSync(/ExecStartPre=(\S+)/.exec(unit)?.[1] ?? "", "utf8");
    expect(preStart).toContain(`${String(pkgs.openssh)}/bin/ssh-keygen -t ed25519 -f "/etc/ssh/ssh_host_ed25519_key" -N ""`);
    expect(preStart).toContain(`${String(pkgs.openssh)}/bin/sshd -t -f ${configFile}`);
  });

  it("renders a service unit: dependencies, quoted environment, PATH, settings, and its script", () => {
    const unit = file("systemd/system/report.service");
    expect(unit).toBe(
      [
        "[Unit]",
        "Description=Nightly report",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        'Environment="PATH=' + `${String(pkgs.ripgrep)}/bin:${String(pkgs.ripgrep)}/sbin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"`,
        'Environment="REPORT_TITLE=say \\"hi\\" to 100%% of\\tyou\\\\me"',
        "User=alice",
        "NoNewPrivileges=true",
        "ReadWritePaths=/var/lib/report",
        "ReadWritePaths=/tmp",
        "TimeoutSec=30",
        `ExecStart=${/ExecStart=(\S+)/.exec(unit)?.[1] ?? ""}`,
        "",
      ].join("\n"),
    );
    const script = readFileSync(/ExecStart=(\S+)/.exec(unit)?.[1] ?? "", "utf8");
    expect(script).toMatch(/^#!\S*bash\nset -e\nrg --version\n$/);
    expect(readlinkSync(join(out, "etc", "systemd/system/multi-user.target.wants/report.service"))).toBe(manifest.files["systemd/system/report.service"]?.source);
    expect(manifest.files["systemd/system/multi-user.target.wants/report.service"]?.source).toBe(manifest.files["systemd/system/report.service"]?.source);
    // systemd reads a link whose target is named otherwise as an alias: the store file keeps the unit's name.
    expect(manifest.files["systemd/system/report.service"]?.source).toMatch(/^\/\S+-unit-report\.service\/report\.service$/);
  });

  it("makes a timer for startAt, and merges a module's timer settings into it", () => {
    expect(file("systemd/system/report.timer")).toBe("[Timer]\nOnCalendar=hourly\n");
    expect(manifest.files["systemd/system/timers.target.wants/report.timer"]?.source).toBe(manifest.files["systemd/system/report.timer"]?.source);
    expect(file("systemd/system/fstrim.timer")).toBe("[Timer]\nOnCalendar=weekly\nPersistent=true\nRandomizedDelaySec=100min\nAccuracySec=1h\n");
    expect(file("systemd/system/fstrim.service")).toContain(`ExecStart=${String(pkgs["util-linux"])}/bin/fstrim --listed-in /etc/fstab:/proc/self/mountinfo --verbose --quiet-unsupported\n`);
  });

  it("runs kiln gc on the schedule of kiln.gc", () => {
    expect(file("systemd/system/kiln-gc.timer")).toBe("[Timer]\nOnCalendar=weekly\nRandomizedDelaySec=0\nPersistent=true\n");
    const script = readFileSync(/ExecStart=(\S+)/.exec(file("systemd/system/kiln-gc.service"))?.[1] ?? "", "utf8");
    expect(script).toContain("exec kiln gc --print-roots");
  });

  it("loads kernel modules, the virtual camera's with its options", () => {
    expect(file("modules-load.d/kiln.conf")).toBe("kvm-intel\nv4l2loopback\n");
    expect(file("modprobe.d/kiln.conf")).toBe('options v4l2loopback devices=1 video_nr=1 card_label="OBS Cam" exclusive_caps=1\n');
  });

  it("installs OBS with its plugins, its launcher pointing OBS at them", () => {
    const launcher = readFileSync(join(out, "sw", "bin", "obs"), "utf8");
    const pluginsPath = /OBS_PLUGINS_PATH="([^"]+)"/.exec(launcher)?.[1] ?? "";
    expect(readdirSync(pluginsPath)).toEqual(["obs-backgroundremoval.so"]);
    expect(launcher).toContain(`exec "${String(pkgs["obs-studio"])}/bin/obs" "$@"`);
  });

  it("writes bash.bashrc with the aliases and the shell init", () => {
    const bashrc = file("bash.bashrc");
    expect(bashrc).toContain("alias ll='ls -l'\nalias quote='echo '\\''quoted'\\'''\nset -o vi\n");
    expect(execFileSync("/bin/bash", ["-c", `PS1=x; . ${join(out, "etc", "bash.bashrc")}; alias quote`], { encoding: "utf8" })).toBe("alias quote='echo '\\''quoted'\\'''\n");
  });

  it("writes config.json: the configuration with derivations as paths, without system.build", () => {
    const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as Record<string, Record<string, unknown>>;
    expect(config["networking"]).toEqual({ hostName: "web" });
    expect((config["services"]?.["nginx"] as { package: string }).package).toBe(String(pkgs.nginx));
    expect((config["system"]?.["environmentPackages"] as string[]).length).toBe(5);
    expect(config["system"]?.["build"]).toBeUndefined();
    expect(config["_module"]).toBeUndefined();
    // The disabled git has no package in this set: left out, not an error.
    expect(config["programs"]?.["git"]).toEqual({ enable: false, config: {} });
  });
});
