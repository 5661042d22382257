/**
 * The two scripts of a Kiln VM: the initramfs's `/init` (run by busybox as
 * PID 1, as the stage-1 script of NixOS's `virtualisation/qemu-vm.nix`
 * does: load the modules, mount the host's store over 9p, make the root and
 * hand over to systemd), and `bin/run-NAME-vm`, the start script
 * `nixos-rebuild build-vm` makes, which runs QEMU on the serial console.
 */

/** The top-level directories of the Debian system bound into the guest, where it has them (merged `/usr`, and the directories packages still ship). */
export const SYSTEM_DIRS: readonly string[] = ["usr", "bin", "sbin", "lib", "lib64", "lib32", "libx32"];

/** Stands for the initramfs's path in the start script until the builder knows its output path. */
export const INITRD_PLACEHOLDER = "@initrd@";

/** The 9p mount tag of the host's store. */
export const STORE_MOUNT_TAG = "kiln-store";

/** What {@link initScript} needs to know. */
export interface InitScriptSpec {
  /** The store directory, shared by the host and mounted at the same path in the guest. */
  readonly storeDir: string;
  /** The Debian system's merged tree (`usr`, `lib`, `bin`, … of the guest), a path in the store. */
  readonly systemRoot: string;
  /** The top-level directories of `systemRoot` that become the guest's. */
  readonly systemDirs: readonly string[];
}

/**
 * `/init`: busybox's shell. The modules listed in `/kiln-modules` are loaded
 * in order; the root is a tmpfs holding a copy of `/kiln-root` (the
 * activated `/etc`, the homes, Kiln's profile), so the guest can write to
 * it; the store is the host's, read-only; `/usr` and the rest are the
 * Debian system's trees in the store, bound read-only. A failure is printed
 * and the guest powers off, so a start script never hangs on a broken boot.
 */
export function initScript(spec: InitScriptSpec): string {
  const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/busybox sh
# The initramfs of a virtual machine made by Kiln (kiln build-vm).
/bin/busybox mkdir -p /proc /sys /dev /sbin /usr/bin /usr/sbin /newroot
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
fail() {
  echo "kiln-vm: $*; powering off" >/dev/console
  sleep 1
  poweroff -f
}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r module; do
  insmod "/lib/modules/$module" || fail "cannot load the kernel module $module"
done </kiln-modules
store=${quote(spec.storeDir)}
mount -t tmpfs -o mode=0755 root /newroot || fail "cannot mount the root tmpfs"
cp -a /kiln-root/. /newroot/ || fail "cannot copy the activated root"
mkdir -p "/newroot$store"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 ${STORE_MOUNT_TAG} "/newroot$store" || fail "cannot mount the host's store ($store) over 9p"
for dir in ${spec.systemDirs.join(" ")}; do
  [ -d "/newroot"${quote(spec.systemRoot)}"/$dir" ] || continue
  mkdir -p "/newroot/$dir"
  mount -o bind,ro "/newroot"${quote(spec.systemRoot)}"/$dir" "/newroot/$dir" || fail "cannot bind /$dir of the Debian system"
done
mkdir -p /newroot/proc /newroot/sys /newroot/dev /newroot/run /newroot/tmp
chmod 1777 /newroot/tmp
umount /proc /sys
umount /dev
exec switch_root /newroot /lib/systemd/systemd
`;
}

/** What {@link runScript} needs to know. */
export interface RunScriptSpec {
  readonly name: string;
  /** The QEMU program (the Debian package's wrapper). */
  readonly qemu: string;
  readonly kernel: string;
  /** The initramfs (the VM's own output holds it: its builder puts the path in). */
  readonly initrd: string;
  readonly storeDir: string;
  /** MiB of memory, unless `QEMU_MEMORY` says otherwise. */
  readonly memorySize: number;
  readonly cores: number;
}

/**
 * `bin/run-NAME-vm`: QEMU with the kernel and initramfs, the store shared
 * read-only over 9p (virtio), no graphics (the serial console on the
 * terminal; Ctrl-A X quits QEMU). KVM when `/dev/kvm` can be opened and the
 * processor has hardware virtualisation (as `kvm-ok` checks), else TCG
 * emulation; `KILN_VM_ACCEL=tcg` (or `kvm`) chooses. `QEMU_OPTS` and
 * `QEMU_KERNEL_PARAMS` add QEMU options and kernel parameters, as in NixOS.
 */
export function runScript(spec: RunScriptSpec): string {
  return `#!/bin/sh
# Starts the virtual machine '${spec.name}' made by Kiln (kiln build-vm): the serial console is this terminal; Ctrl-A X quits.
accel="\${KILN_VM_ACCEL:-}"
if [ -z "$accel" ]; then
  # KVM needs the device and the processor's virtualisation (vmx or svm): a /dev/kvm without them (a paravirtual one in a VM) runs no ordinary kernel.
  if (exec 3<>/dev/kvm) 2>/dev/null && grep -qwE 'vmx|svm' /proc/cpuinfo 2>/dev/null; then accel=kvm; else accel=tcg; fi
fi
case "$accel" in
  kvm) cpu=host ;;
  tcg) cpu=max ;;
  *) echo "run-${spec.name}-vm: KILN_VM_ACCEL must be kvm or tcg, not '$accel'" >&2; exit 2 ;;
esac
# QEMU looks for its modules and firmware beside its binary, which is in another package's tree of the store than theirs: the environment's /usr has them all.
QEMU_MODULE_DIR=/usr/lib/x86_64-linux-gnu/qemu
export QEMU_MODULE_DIR
exec ${spec.qemu} \\
  -name ${spec.name} -L /usr/share/qemu -L /usr/share/seabios \\
  -machine q35,accel="$accel" -cpu "$cpu" \\
  -m "\${QEMU_MEMORY:-${spec.memorySize}}" -smp ${spec.cores} \\
  -nographic -no-reboot -nic none \\
  -kernel ${spec.kernel} \\
  -initrd ${spec.initrd} \\
  -append "console=ttyS0 panic=-1 \${QEMU_KERNEL_PARAMS:-}" \\
  -virtfs local,path=${spec.storeDir},security_model=none,readonly=on,mount_tag=${STORE_MOUNT_TAG} \\
  \${QEMU_OPTS:-} "$@"
`;
}
