/**
 * The builder `builtin:kiln-debian-vm` behind {@link debianVm}: the
 * machine's generation is activated (Kiln's own activation, as `kiln switch
 * --root` runs it) into a fresh root holding the Debian system's `/etc`,
 * and that root goes, with busybox, the `/init` script and the kernel
 * modules the guest needs for 9p, into an initramfs written by Kiln; then
 * `bin/run-NAME-vm` starts QEMU with the kernel and that initramfs. This is
 * what NixOS's `system.build.vm` does with its stage-1 initrd and
 * `run-nixos-vm` script; the guest's `/etc`, users and homes are made when
 * the VM is built, so the guest needs no Kiln and fetches nothing when it
 * starts.
 */
import { createHash } from "node:crypto";
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import { machineTarget, switchConfiguration } from "@kiln/activation";
import type { BuiltinBuildContext } from "@kiln/store";
import { DebianVmError } from "../debian-errors.js";
import { HOST_ETC_FILES } from "../environment-mounts.js";
import { modulesInLoadOrder } from "./kernel-modules.js";
import { NewcArchive } from "./newc-archive.js";
import { INITRD_PLACEHOLDER, SYSTEM_DIRS } from "./vm-scripts.js";

/** Copies the Debian system's `/etc` (directories, links into the store, the few files its builder wrote), without the host files an FHS environment takes from the host. */
function copyEtc(source: string, target: string, top = true): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (top && (HOST_ETC_FILES as readonly string[]).includes(entry.name)) continue;
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (entry.isDirectory()) copyEtc(from, to, false);
    else if (entry.isFile()) copyFileSync(from, to);
  }
}

/** `/etc/passwd`, `group`, `shadow` and `gshadow` of a fresh Debian system, from base-passwd's master files, as its `postinst` makes them. */
function writeAccounts(systemRoot: string, etc: string): void {
  const master = (file: string): string[] => {
    const path = join(systemRoot, "usr/share/base-passwd", file);
    if (!existsSync(path)) throw new DebianVmError(`the Debian system has no '/usr/share/base-passwd/${file}': its closure must include base-passwd (an Essential package)`);
    return readFileSync(path, "utf8").split("\n").filter((line) => line !== "");
  };
  const users = master("passwd.master").map((line) => line.split(":"));
  const groups = master("group.master").map((line) => line.split(":"));
  writeFileSync(join(etc, "passwd"), users.map(([name, , ...rest]) => `${name}:x:${rest.join(":")}\n`).join(""), { mode: 0o644 });
  writeFileSync(join(etc, "group"), groups.map(([name, , ...rest]) => `${name}:x:${rest.join(":")}\n`).join(""), { mode: 0o644 });
  writeFileSync(join(etc, "shadow"), users.map(([name]) => `${name}:*::0:99999:7:::\n`).join(""), { mode: 0o640 });
  writeFileSync(join(etc, "gshadow"), groups.map(([name]) => `${name}:*::\n`).join(""), { mode: 0o640 });
  const shadowGroup = groups.find(([name]) => name === "shadow")?.[2];
  if (shadowGroup !== undefined && process.getuid?.() === 0) {
    for (const file of ["shadow", "gshadow"]) chownSync(join(etc, file), 0, Number(shadowGroup));
  }
}

/**
 * `/etc/pam.d/common-*`, which libpam-runtime's `postinst` makes with
 * `pam-auth-update` and no package ships; here, what it writes when the
 * only profile is `unix` (pam_unix for everything), as in a fresh
 * debootstrap. `login` refuses to run without them.
 */
const PAM_COMMON: Readonly<Record<string, string>> = {
  "common-auth": "auth\t[success=1 default=ignore]\tpam_unix.so nullok\nauth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so\n",
  "common-account": "account\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so\naccount\trequisite\t\t\tpam_deny.so\naccount\trequired\t\t\tpam_permit.so\n",
  "common-password": "password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\npassword\trequisite\t\t\tpam_deny.so\npassword\trequired\t\t\tpam_permit.so\n",
  "common-session": "session\t[default=1]\t\t\tpam_permit.so\nsession\trequisite\t\t\tpam_deny.so\nsession\trequired\t\t\tpam_permit.so\nsession\trequired\tpam_unix.so\n",
  "common-session-noninteractive": "session\t[default=1]\t\t\tpam_permit.so\nsession\trequisite\t\t\tpam_deny.so\nsession\trequired\t\t\tpam_permit.so\nsession\trequired\tpam_unix.so\n",
};

/** The root the guest starts with: the Debian system's `/etc` and accounts, then the machine's generation activated into it. */
function makeGuestRoot(root: string, systemRoot: string, name: string, toplevel: string, log: (line: string) => void): void {
  const etc = join(root, "etc");
  copyEtc(join(systemRoot, "etc"), etc);
  writeAccounts(systemRoot, etc);
  writeFileSync(join(etc, "hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
  writeFileSync(join(etc, "hostname"), `${name}\n`);
  // What base-files' postinst copies into place: the login shells' profile (which reads profile.d, where Kiln puts PATH) and root's dot files.
  for (const [file, target] of [["profile", "etc/profile"], ["dot.profile", "root/.profile"], ["dot.bashrc", "root/.bashrc"]] as const) {
    const source = join(systemRoot, "usr/share/base-files", file);
    mkdirSync(dirname(join(root, target)), { recursive: true });
    if (existsSync(source) && !existsSync(join(root, target))) copyFileSync(source, join(root, target));
  }
  mkdirSync(join(etc, "pam.d"), { recursive: true });
  for (const [file, text] of Object.entries(PAM_COMMON)) if (!existsSync(join(etc, "pam.d", file))) writeFileSync(join(etc, "pam.d", file), `# Written by Kiln as pam-auth-update writes it for the unix profile.\n${text}`);
  // A fixed identity per generation: systemd needs one and the guest's /etc is fresh at each start anyway.
  writeFileSync(join(etc, "machine-id"), `${createHash("sha256").update(toplevel).digest("hex").slice(0, 32)}\n`, { mode: 0o444 });
  for (const dir of ["root", "home", "tmp", "var/tmp", "var/log", "var/lib", "var/cache", "var/spool", "srv", "opt", "mnt", "media"]) mkdirSync(join(root, dir), { recursive: true });
  chmodSync(join(root, "root"), 0o700);
  chmodSync(join(root, "tmp"), 0o1777);
  chmodSync(join(root, "var/tmp"), 0o1777);
  symlinkSync("/run", join(root, "var/run"));
  symlinkSync("/run/lock", join(root, "var/lock"));
  // Machine's own /etc/hostname (networking.hostName) replaces ours: it is moved aside as any file Kiln did not place.
  const { report } = switchConfiguration(toplevel, machineTarget(root), { mode: "switch" });
  log(`activated ${toplevel} into the guest's root`);
  for (const warning of report.warnings) log(`warning: ${warning}`);
  // The serial console logs root in: the guest is a throwaway machine on the terminal that started it, as a test VM.
  const dropIn = join(etc, "systemd/system/serial-getty@ttyS0.service.d");
  mkdirSync(dropIn, { recursive: true });
  writeFileSync(
    join(dropIn, "kiln-autologin.conf"),
    "[Service]\nExecStart=\nExecStart=-/sbin/agetty -o '-p -f -- \\\\u' --keep-baud --autologin root 115200,57600,38400,9600 - $TERM\n",
  );
}

/** The name of the mount unit of `path`, escaped as `systemd-escape --path` does. */
export function mountUnitName(path: string): string {
  const trimmed = path.split("/").filter((part) => part !== "").join("/");
  if (trimmed === "") return "-.mount";
  let name = "";
  for (const [index, char] of [...Buffer.from(trimmed, "utf8")].entries()) {
    const text = String.fromCharCode(char);
    if (text === "/") name += "-";
    else if (/[A-Za-z0-9:_]/.test(text) || (text === "." && index > 0)) name += text;
    else name += `\\x${char.toString(16).padStart(2, "0")}`;
  }
  return `${name}.mount`;
}

/**
 * Drop-ins that keep systemd from unmounting, on the way down, the store and
 * the Debian system's trees the initramfs mounted: `systemd-shutdown` and
 * the programs of the last units run from them (as `/usr` is kept).
 */
function keepMounts(etc: string, paths: readonly string[]): void {
  for (const path of paths) {
    const dir = join(etc, "systemd/system", `${mountUnitName(path)}.d`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "kiln-vm.conf"), "# Mounted by the initramfs; kept until the guest powers off.\n[Unit]\nDefaultDependencies=no\n");
  }
}

/**
 * A drop-in for every service that keeps the store visible in its mount
 * namespace: a store under `/tmp` is bound back over `PrivateTmp=`'s empty
 * `/tmp`; one under `/home` or `/root` (Kiln's default for a user) would be
 * hidden by `ProtectHome=` (systemd-logind has it), which cannot be undone
 * by a bind, so there it is turned off. Otherwise the programs of such
 * services, links into the store, could not be run.
 */
function storeForEveryService(etc: string, storeDir: string): void {
  const dir = join(etc, "systemd/system/service.d");
  mkdirSync(dir, { recursive: true });
  const underHomes = ["/home", "/root", "/run/user"].some((home) => storeDir === home || storeDir.startsWith(`${home}/`));
  const settings = [`BindReadOnlyPaths=-${storeDir}`, ...(underHomes ? ["ProtectHome=no"] : [])];
  writeFileSync(join(dir, "kiln-store.conf"), `# The programs of the guest are links into the host's store, ${storeDir}.\n[Service]\n${settings.join("\n")}\n`);
}

/** Owners of the guest's files: as activation left them when it could chown (as root), else root's, and each home its user's. */
function guestOwners(root: string): (path: string, stat: Stats) => { uid: number; gid: number } {
  if (process.getuid?.() === 0) return (_, stat) => ({ uid: stat.uid, gid: stat.gid });
  const homes = readFileSync(join(root, "etc/passwd"), "utf8")
    .split("\n")
    .map((line) => line.split(":"))
    .filter((fields) => fields.length >= 7 && (fields[5] ?? "").startsWith("/home/"))
    .map((fields) => ({ home: `kiln-root${fields[5] ?? ""}`, uid: Number(fields[2]), gid: Number(fields[3]) }));
  return (path) => homes.find(({ home }) => path === home || path.startsWith(`${home}/`)) ?? { uid: 0, gid: 0 };
}

/** The kernel's `/lib/modules/VERSION` directory in the unpacked kernel package. */
function modulesDirOf(kernel: string): string {
  const base = join(kernel, "lib/modules");
  const versions = existsSync(base) ? readdirSync(base) : [];
  if (versions.length !== 1) throw new DebianVmError(`'${kernel}' should hold the modules of one kernel in lib/modules, but has ${versions.length === 0 ? "none" : versions.join(", ")}: is it an unpacked linux-image package?`);
  return join(base, versions[0] as string);
}

/** `builtin:kiln-debian-vm`: see the file comment. */
export async function buildVm(context: BuiltinBuildContext): Promise<void> {
  const env = (key: string): string => context.drv.env.get(key) ?? "";
  const out = context.output;
  const name = env("vmName");
  const systemRoot = join(env("systemEnv"), "root");
  const kernel = env("kernel");
  const modulesDir = modulesDirOf(kernel);
  const kernelImage = join(kernel, "boot", `vmlinuz-${basename(modulesDir)}`);
  if (!existsSync(kernelImage)) throw new DebianVmError(`the kernel package '${kernel}' has no boot/vmlinuz-${basename(modulesDir)}`);
  const busybox = join(env("busybox"), "bin/busybox");
  if (!existsSync(busybox)) throw new DebianVmError(`'${env("busybox")}' has no bin/busybox: the initramfs needs busybox-static`);

  const root = join(context.scratch, "root");
  makeGuestRoot(root, systemRoot, name, env("toplevel"), context.log);
  storeForEveryService(join(root, "etc"), dirname(out));
  keepMounts(join(root, "etc"), [dirname(out), ...SYSTEM_DIRS.filter((dir) => existsSync(join(systemRoot, dir))).map((dir) => `/${dir}`)]);

  const modules = modulesInLoadOrder(modulesDir, env("kernelModules").split(" ").filter((module) => module !== ""));
  context.log(`the initramfs loads ${modules.map((module) => basename(module, ".ko")).join(", ")}`);
  const archive = new NewcArchive();
  archive.file("init", env("initScript"), { mode: 0o755 });
  archive.file("bin/busybox", readFileSync(busybox), { mode: 0o755 });
  for (const module of modules) archive.file(`lib/modules/${basename(module)}`, readFileSync(module));
  archive.file("kiln-modules", modules.map((module) => `${basename(module)}\n`).join(""));
  archive.tree(root, "kiln-root", guestOwners(root));

  mkdirSync(join(out, "bin"), { recursive: true });
  const initrd = join(out, "initrd");
  writeFileSync(initrd, archive.bytes(), { mode: 0o444 });
  symlinkSync(kernelImage, join(out, "kernel"));
  const script = env("runScript").split(INITRD_PLACEHOLDER).join(initrd);
  writeFileSync(join(out, "bin", `run-${name}-vm`), script, { mode: 0o555 });
}
