/**
 * `debianVm({ name, system, debian })`: a runnable virtual machine of a
 * machine configuration, as NixOS's `config.system.build.vm` (what
 * `nixos-rebuild build-vm` builds). The guest is a minimal Debian system of
 * the locked input (systemd, udev and the Essential packages, as store
 * paths), booted by Debian's kernel with an initramfs Kiln writes; the
 * machine's generation is activated into its `/etc`; the host's store is
 * shared read-only over 9p, so nothing is fetched or installed when the VM
 * starts. QEMU is Debian's `qemu-system-x86`, run from the store.
 */
import { dirname } from "node:path";
import { derivation, type Derivation } from "@kiln/formats";
import { DebianVmError } from "../debian-errors.js";
import type { DebianPackageSet } from "../debian-input.js";
import type { IndexPackage } from "../package-index.js";
import { fhsEnvDerivation, storeName } from "../package-derivations.js";
import { layerOf } from "../package-layers.js";
import { resolveClosure } from "../resolve-closure.js";
import { INITRD_PLACEHOLDER, initScript, runScript, SYSTEM_DIRS } from "./vm-scripts.js";

/** Options of {@link debianVm}. */
export interface DebianVmOptions {
  /** The machine's name: the script is `bin/run-NAME-vm`, and the guest's host name unless the machine sets one. */
  readonly name: string;
  /** The machine's toplevel (`defineMachine(…)`, `system.build.toplevel`). */
  readonly system: Derivation;
  /** The Debian input the guest, its kernel and QEMU come from (an amd64 one). */
  readonly debian: DebianPackageSet;
  /** More Debian packages in the guest's system (besides systemd, udev, dbus, bubblewrap and the Essential packages). */
  readonly packages?: readonly string[];
  /** Memory in MiB (default 1024; `QEMU_MEMORY` overrides it when the VM starts). */
  readonly memorySize?: number;
  /** Virtual CPUs (default 1). */
  readonly cores?: number;
}

/** The version of what `builtin:kiln-debian-vm` writes into the guest's root; raised whenever that changes. */
const GUEST_ROOT_FORMAT = "1";

/** The kernel modules the initramfs loads: virtio over PCI and the 9p file system over it (the serial port and tmpfs are built in). */
const INITRD_MODULES = ["virtio_pci", "9pnet_virtio", "9p"] as const;

/**
 * What the guest's system is made of besides the Essential packages: the
 * init system (and its `poweroff`, `reboot`), udev for its devices, the system bus (`systemctl`,
 * `hostnamectl` and logins talk over it), and bubblewrap, which runs the
 * wrappers of the Debian packages a machine installs.
 */
const GUEST_PACKAGES = ["systemd", "systemd-sysv", "udev", "dbus", "bubblewrap"] as const;

/** The kernel release of a versioned kernel package (`linux-image-6.1.0-50-amd64` → `6.1.0-50-amd64`), which names its image and modules directory. */
function kernelVersion(entry: IndexPackage): string {
  return entry.name.slice("linux-image-".length);
}

function entryOf(set: DebianPackageSet, name: string, why: string): IndexPackage {
  const entry = layerOf(set, "debian").index.get(name);
  if (entry === undefined) throw new DebianVmError(`the Debian input '${set.inputName}' has no package '${name}', which ${why}; use an input of a suite of Debian's main component for amd64, e.g. debian({ suite: "bookworm" })`);
  return entry;
}

/**
 * The virtual machine of `system`: a derivation whose output has
 * `bin/run-NAME-vm` (QEMU on the serial console; KVM when `/dev/kvm` can be
 * opened on a processor with hardware virtualisation, else emulation, or as
 * `KILN_VM_ACCEL=kvm|tcg` says), `initrd`
 * and `kernel`.
 *
 * @example
 * const vm = debianVm({ name: "web", system: machines.web, debian: await debian({ suite: "bookworm" }) });
 */
export function debianVm(options: DebianVmOptions): Derivation<"out"> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(options.name)) throw new DebianVmError(`debianVm: the machine name ${JSON.stringify(options.name)} cannot name a start script; use letters, digits, '.', '_' and '-'`);
  const layer = layerOf(options.debian, "debian");
  if (options.debian.locked.architecture !== "amd64") throw new DebianVmError(`the Debian input '${options.debian.inputName}' is for ${options.debian.locked.architecture}; a VM is made of an amd64 input`);
  const unpack = (entry: IndexPackage): Derivation<"out"> => {
    const unpacked = layer.unpack(entry);
    if (unpacked === undefined) throw new DebianVmError(`no layer of '${options.debian.inputName}' lists ${entry.name} ${entry.version}`);
    return unpacked as Derivation<"out">;
  };
  // The meta package names the kernel of this revision; its own dependency closure (initramfs-tools, …) is not the guest's.
  entryOf(options.debian, "linux-image-amd64", "is the kernel of the VM");
  const kernel = resolveClosure(layer.index, ["linux-image-amd64"], { essential: false }).find((entry) => /^linux-image-[0-9].*-amd64$/.test(entry.name));
  if (kernel === undefined) throw new DebianVmError(`linux-image-amd64 of '${options.debian.inputName}' depends on no versioned kernel package`);
  const busybox = entryOf(options.debian, "busybox-static", "is the shell of the VM's initramfs");
  const names = [...GUEST_PACKAGES, ...(options.packages ?? [])];
  for (const name of names) entryOf(options.debian, name, "the VM's system needs");
  const closure = resolveClosure(layer.index, names, { essential: true });
  const systemEnv = fhsEnvDerivation({ name: "debian-vm-system", closure: closure.map(unpack), programsOf: [] });
  const qemu = options.debian.package("qemu-system-x86");
  const kernelTree = unpack(kernel);
  const storeDir = dirname(systemEnv.outPath);
  return derivation({
    name: storeName(`${options.name}-vm`),
    system: "builtin",
    builder: "builtin:kiln-debian-vm",
    vmName: options.name,
    toplevel: options.system.outPath,
    systemEnv: systemEnv.outPath,
    kernel: kernelTree.outPath,
    busybox: unpack(busybox).outPath,
    kernelModules: INITRD_MODULES.join(" "),
    // What the builder puts in the guest's root besides the scripts (PAM files, drop-ins): a change there is a new format, so a new VM.
    guestRootFormat: GUEST_ROOT_FORMAT,
    // The scripts are part of the derivation, as in Nix: a change to them is a new VM.
    initScript: initScript({ storeDir, systemRoot: `${systemEnv.outPath}/root`, systemDirs: SYSTEM_DIRS }),
    runScript: runScript({
      name: options.name,
      qemu: `${qemu.outPath}/bin/qemu-system-x86_64`,
      kernel: `${kernelTree.outPath}/boot/vmlinuz-${kernelVersion(kernel)}`,
      initrd: INITRD_PLACEHOLDER,
      storeDir,
      memorySize: options.memorySize ?? 1024,
      cores: options.cores ?? 1,
    }),
    preferLocalBuild: true,
  });
}
