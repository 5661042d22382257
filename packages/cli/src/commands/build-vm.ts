/**
 * `kiln build-vm [FILE.ts[#NAME]] [--machine NAME]`: build a virtual machine
 * of a machine of the project and print its start script,
 * `result/bin/run-NAME-vm`, as `nixos-rebuild build-vm` does. The guest is
 * assembled from the project's locked Debian input by `debianVm` of
 * `@kiln/debian`; this command only selects the machine and the input,
 * builds, and links `result`.
 */
import { join, resolve } from "node:path";
import { debian, debianVm, readLockFile, type DebianPackageSet } from "@kiln/debian";
import { defineCommand } from "../settings/define-command.js";
import { text, textOr } from "../settings/typed-option.js";
import { lockFileOf } from "../debian-inputs.js";
import { selectConfiguration } from "../machines/select-configuration.js";
import { PROFILE_OPTION, profiledIfAsked } from "../profile-option.js";
import { realiseRoots, reportFailures } from "../realise-roots.js";
import { UsageError } from "../usage-error.js";
import { BUILD_OPTIONS, MACHINE_OPTION } from "./switch.js";

/** The project's Debian input the guest is made of: `--input`, else the only one its lock has. */
async function guestInput(projectFile: string, wanted: string | undefined): Promise<DebianPackageSet> {
  const lockFile = lockFileOf(projectFile);
  const inputs = readLockFile(lockFile).inputs;
  const names = Object.keys(inputs).sort();
  const name = wanted ?? (names.length === 1 ? names[0] : undefined);
  const locked = name === undefined ? undefined : inputs[name];
  if (locked === undefined) {
    if (names.length === 0) {
      throw new UsageError(`'${lockFile}' locks no Debian input, and the VM's guest is a Debian system of the project's input: add one to ${projectFile} (import { debian } from "@kiln/debian"; const deb = await debian({ suite: "bookworm" });), or run 'kiln update' if it has one`);
    }
    throw new UsageError(wanted === undefined ? `'${lockFile}' locks several Debian inputs (${names.join(", ")}): choose the guest's with --input NAME` : `'${lockFile}' locks no input '${wanted}'; it locks ${names.join(", ")}`);
  }
  return debian({ suite: locked.suite, components: locked.components, architecture: locked.architecture, name: name as string, lockFile });
}

/** `FILE.ts#NAME` (or `#machines.NAME`) split into the project file and the machine. */
function fileAndMachine(positionals: readonly string[], option: string | undefined): { file: string | undefined; machine: string | undefined } {
  const [given, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`'kiln build-vm' builds one machine; got also: ${extra.join(" ")}`);
  const hash = given?.indexOf("#") ?? -1;
  if (given === undefined || hash < 0) return { file: given, machine: option };
  const attribute = given.slice(hash + 1).replace(/^machines\./, "");
  if (option !== undefined && option !== attribute) throw new UsageError(`'${given}' names machine '${attribute}' but --machine says '${option}'`);
  return { file: given.slice(0, hash) === "" ? undefined : given.slice(0, hash), machine: attribute === "" ? option : attribute };
}

export const buildVmCommand = defineCommand({
  name: "build-vm",
  summary: "Build a virtual machine of a machine and print the script that starts it",
  usage: "build-vm [FILE.ts[#NAME]] [--machine NAME] [--input NAME] [--out-link NAME] [-L]",
  description:
    "Builds machines.NAME of FILE (default ./kiln.ts) as a virtual machine, links it as ./result and prints result/bin/run-NAME-vm, as nixos-rebuild build-vm does. " +
    "The guest is a minimal Debian system of the project's locked Debian input (the one kiln.lock beside FILE has, or --input): Debian's kernel, systemd, udev, dbus and the Essential packages as store paths, booted with an initramfs Kiln writes; the machine's generation (its /etc files, users and groups, systemd units) is activated into the guest's root when the VM is built, and the host's store is shared read-only over 9p, so nothing is fetched when it starts. " +
    "The script runs Debian's QEMU from the store with the serial console on the terminal (Ctrl-A X quits), with KVM when /dev/kvm can be opened and the processor has hardware virtualisation (vmx or svm), and emulation (TCG) otherwise; KILN_VM_ACCEL=tcg or kvm chooses, QEMU_MEMORY sets the memory in MiB, QEMU_OPTS adds QEMU options and QEMU_KERNEL_PARAMS kernel parameters. The guest's root is a fresh copy at each start; the serial console logs root in.",
  options: [
    MACHINE_OPTION,
    text("input", { value: "NAME", description: "The Debian input of the project's kiln.lock the guest is made of (default: the only one)" }),
    textOr("out-link", { short: "o", value: "NAME", description: "Name of the result link (default: result)" }, "result"),
    ...BUILD_OPTIONS,
    PROFILE_OPTION,
  ],
  async run(settings, io, session) {
    if (settings.realiser !== "local") throw new UsageError(`'kiln build-vm' builds with the local realiser: the VM's builders run inside Kiln, which '${settings.realiser}' cannot`);
    const { file, machine } = fileAndMachine(settings.positionals, settings.machine);
    const { selected, vm } = await profiledIfAsked(settings, io, async () => {
      const selected = await selectConfiguration({ ...settings, positionals: file === undefined ? [] : [file] }, "machine", machine);
      const vm = debianVm({ name: selected.name, system: selected.derivation, debian: await guestInput(selected.file, settings.input) });
      return { selected, vm };
    });
    const result = await realiseRoots(settings, io, session, [vm]);
    if (result.failed.length > 0) {
      reportFailures(result, io, false);
      return 1;
    }
    const out = result.outputs.get(vm.drvPath)?.["out"] ?? vm.outPath;
    const link = resolve(settings.outLink);
    await session.realiser().addRoot(link, out);
    io.stderr.write(`built the VM of machines.${selected.name} (${out})\n`);
    io.stdout.write(`${join(link, "bin", `run-${selected.name}-vm`)}\n`);
    return 0;
  },
});
