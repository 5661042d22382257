/**
 * The kernel modules an initramfs must load, in an order that loads each
 * module after those it needs, as `modprobe` does from `modules.dep`.
 * Debian's kernel package does not ship `modules.dep` (its `postinst` runs
 * `depmod`), so the dependencies are read where `depmod` reads them: the
 * `depends=` entry of each module's `.modinfo` ELF section (what `modinfo -F
 * depends` prints). NixOS's `makeModulesClosure` does the same with
 * `modprobe --show-depends`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DebianVmError } from "../debian-errors.js";

/** A module's name as the kernel knows it (`-` and `_` are the same). */
function moduleName(file: string): string {
  return file.replace(/\.ko$/, "").replace(/-/g, "_");
}

/** The `key=value` entries of the `.modinfo` section of the ELF64 object `bytes`. */
export function readModinfo(bytes: Buffer, source: string): Map<string, string[]> {
  if (bytes.toString("latin1", 0, 4) !== "\x7fELF" || bytes[4] !== 2 || bytes[5] !== 1) throw new DebianVmError(`'${source}' is not a 64-bit little-endian ELF kernel module`);
  const sectionTable = Number(bytes.readBigUInt64LE(0x28));
  const entrySize = bytes.readUInt16LE(0x3a);
  const count = bytes.readUInt16LE(0x3c);
  const namesIndex = bytes.readUInt16LE(0x3e);
  const section = (index: number): { name: number; offset: number; size: number } => {
    const at = sectionTable + index * entrySize;
    return { name: bytes.readUInt32LE(at), offset: Number(bytes.readBigUInt64LE(at + 0x18)), size: Number(bytes.readBigUInt64LE(at + 0x20)) };
  };
  const names = section(namesIndex);
  const entries = new Map<string, string[]>();
  for (let index = 0; index < count; index++) {
    const { name, offset, size } = section(index);
    const end = bytes.indexOf(0, names.offset + name);
    if (bytes.toString("latin1", names.offset + name, end) !== ".modinfo") continue;
    for (const item of bytes.toString("utf8", offset, offset + size).split("\0")) {
      const equals = item.indexOf("=");
      if (equals <= 0) continue;
      const key = item.slice(0, equals);
      entries.set(key, [...(entries.get(key) ?? []), item.slice(equals + 1)]);
    }
    return entries;
  }
  throw new DebianVmError(`'${source}' has no .modinfo section: it is not a kernel module`);
}

/** Every `.ko` below `dir`, by module name. */
function indexModules(dir: string, found = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) indexModules(path, found);
    else if (entry.name.endsWith(".ko")) found.set(moduleName(entry.name), path);
  }
  return found;
}

/**
 * The files of `wanted` (module names) and of every module they depend on,
 * below `modulesDir` (`/lib/modules/VERSION` of a kernel package), each
 * after its dependencies. A name the kernel has built in (its
 * `modules.builtin`) needs no file and is left out.
 */
export function modulesInLoadOrder(modulesDir: string, wanted: readonly string[]): string[] {
  const files = indexModules(join(modulesDir, "kernel"));
  let builtin = new Set<string>();
  try {
    builtin = new Set(readFileSync(join(modulesDir, "modules.builtin"), "utf8").split("\n").map((line) => moduleName(line.slice(line.lastIndexOf("/") + 1))));
  } catch {
    // No list: every wanted module must be a file.
  }
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, neededBy: string | undefined): void => {
    const key = moduleName(name);
    if (done.has(key) || visiting.has(key)) return;
    const file = files.get(key);
    if (file === undefined) {
      if (builtin.has(key)) return;
      throw new DebianVmError(`the kernel in '${modulesDir}' has no module '${name}'${neededBy === undefined ? "" : ` (needed by '${neededBy}')`}`);
    }
    visiting.add(key);
    const depends = readModinfo(readFileSync(file), file).get("depends")?.[0] ?? "";
    for (const dependency of depends.split(",").filter((part) => part !== "")) visit(dependency, key);
    visiting.delete(key);
    done.add(key);
    ordered.push(file);
  };
  for (const name of wanted) visit(name, undefined);
  return ordered;
}
