/**
 * The sandbox's `/bin/sh`: what a plain `derivation()` build sees of the
 * host, as Nix's `sandbox-paths` gives every build a `/bin/sh` and nothing
 * else (no `/usr`, no `/lib`).
 *
 * Nix's `/bin/sh` is nixpkgs' `busybox-sandbox-shell`: a static busybox
 * configured with the ash shell alone, so builds have the shell's builtins
 * (`echo`, `printf`, `read`, `test`, `cd`…) and no `mkdir` or `cat`. Kiln
 * gives the same: the host's `/bin/sh` plus exactly the shared libraries
 * its dynamic loader reports for it (a static shell needs none), each
 * mounted read-only at the path where the loader looks for it. Kiln does
 * not pin a static busybox of its own instead because that would mean a
 * download before the first build on every machine (the README's first
 * command works offline, with nothing fetched) and would give builds
 * busybox's applets, which Nix's shell does not have: a builder written for
 * Kiln's sandbox then runs under Nix's too. Which shell the host has does not
 * enter any store path (the builder is the string `/bin/sh`, as in Nix).
 */
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readSync, realpathSync } from "node:fs";

/** The sandbox path of the shell every build sees. */
export const SANDBOX_SHELL = "/bin/sh";

/** One read-only mount of the sandbox shell: a host file at a path inside the sandbox. */
export interface SandboxShellMount {
  /** The host file (symlinks resolved). */
  readonly source: string;
  /** Where the sandbox sees it. */
  readonly target: string;
}

const ELF_MAGIC = 0x464c457f;
const PT_INTERP = 3;

/** The ELF interpreter (`PT_INTERP`) of the 64- or 32-bit little-endian executable `file`, or `undefined` for a static one or a script. */
export function elfInterpreter(file: string): string | undefined {
  const fd = openSync(file, "r");
  try {
    const header = Buffer.alloc(64);
    if (readSync(fd, header, 0, 64, 0) < 52 || header.readUInt32LE(0) !== ELF_MAGIC) return undefined;
    const wide = header[4] === 2;
    const phoff = wide ? Number(header.readBigUInt64LE(32)) : header.readUInt32LE(28);
    const phentsize = header.readUInt16LE(wide ? 54 : 42);
    const phnum = header.readUInt16LE(wide ? 56 : 44);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let index = 0; index < phnum; index++) {
      const entry = index * phentsize;
      if (table.readUInt32LE(entry) !== PT_INTERP) continue;
      const offset = wide ? Number(table.readBigUInt64LE(entry + 8)) : table.readUInt32LE(entry + 4);
      const size = wide ? Number(table.readBigUInt64LE(entry + 32)) : table.readUInt32LE(entry + 16);
      const name = Buffer.alloc(size);
      readSync(fd, name, 0, size, offset);
      return name.toString("latin1").replace(/\0.*$/s, "");
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The libraries the dynamic loader `interpreter` loads for `program`, as
 * its `--list` mode (what `ldd` runs) prints them: the paths it opens, and
 * itself at its own path.
 */
function loadedLibraries(interpreter: string, program: string): string[] {
  const listing = execFileSync(interpreter, ["--list", program], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const paths = new Set<string>([interpreter]);
  for (const line of listing.split("\n")) {
    const arrow = /=>\s+(\/\S+)/.exec(line);
    if (arrow?.[1] !== undefined) paths.add(arrow[1]);
  }
  return [...paths];
}

const found = new Map<string, readonly SandboxShellMount[]>();

/**
 * The mounts that give the sandbox the host's `shell` (default `/bin/sh`)
 * at {@link SANDBOX_SHELL}: the shell itself and the libraries it loads.
 * Worked out once per process.
 *
 * @returns no mounts when the host has no such shell (builds with
 *   `builder = "/bin/sh"` then fail, naming the missing file).
 */
export function sandboxShellMounts(shell = SANDBOX_SHELL): readonly SandboxShellMount[] {
  let mounts = found.get(shell);
  if (mounts === undefined) {
    mounts = hostShellMounts(shell);
    found.set(shell, mounts);
  }
  return mounts;
}

function hostShellMounts(shell: string): SandboxShellMount[] {
  let source: string;
  try {
    source = realpathSync(shell);
  } catch {
    return [];
  }
  const mounts: SandboxShellMount[] = [{ source, target: SANDBOX_SHELL }];
  const interpreter = elfInterpreter(source);
  if (interpreter === undefined) return mounts;
  for (const library of loadedLibraries(interpreter, source)) mounts.push({ source: realpathSync(library), target: library });
  return mounts;
}
