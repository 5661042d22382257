/**
 * The build sandbox: bubblewrap (`bwrap`) gives each build private user,
 * mount, PID, IPC, UTS and network namespaces, in which
 * only the build's input closure, its build directory, its own store
 * directory for outputs and the declared sandbox paths exist. Inputs and
 * sandbox paths are read-only, so the builder can write only its outputs and
 * `/build`.
 *
 * As in Nix, the builder is an unprivileged build user (`nixbld`, uid 1000,
 * gid 100) whoever runs Kiln: bwrap is told to make the user namespace even
 * as root (where it otherwise would not, leaving the builder root with every
 * capability, able to remount the read-only binds writable), every
 * capability is dropped, further user namespaces are disabled (so a nested
 * one cannot regain mount rights) and `no_new_privs` makes setuid programs
 * powerless. `/proc/sys` is read-only: as root, the build user is the host's
 * uid 0 outside the namespace, which the kernel lets write sysctls.
 *
 * What a build sees of the host is only the sandbox shell (`/bin/sh`, see
 * `sandbox-shell.ts`), as Nix's default `sandbox-paths`: no `/usr`, no
 * `/lib`, so a build cannot run a host program or read a host header it did
 * not declare. Further host paths are the user's explicit, impure choice
 * (Nix's `extra-sandbox-paths`): `KILN_SANDBOX_PATHS`, `kiln build
 * --sandbox-paths`, or the realiser's `sandboxPaths`.
 *
 * Fixed-output builds may use the network. With `slirp4netns` installed each
 * gets a network namespace of its own, connected through that user-space
 * network stack (the host's loopback unreachable), so builds cannot reach
 * each other's abstract Unix sockets (CVE-2024-27297) or the host's (an X
 * server's, say); otherwise they share the host's network namespace, as
 * Nix's sandbox did.
 */
import { existsSync, lstatSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { BUILD_ROOT_DIRS, BUILD_ROOT_ETC_FILES } from "./build-root.js";
import type { SandboxShellMount } from "./sandbox-shell.js";
import { programOnPath } from "../util/program-on-path.js";

/**
 * Host paths visible read-only in every sandbox besides the sandbox shell,
 * unless configured otherwise: none, as in Nix.
 */
export const DEFAULT_SANDBOX_PATHS: readonly string[] = [];

/**
 * The host's tool directories, for builds that are meant to use the host's
 * tools (impure): `KILN_SANDBOX_PATHS=host` or `--sandbox-paths host` stands for them.
 */
export const HOST_TOOL_SANDBOX_PATHS: readonly string[] = ["/bin", "/usr", "/lib", "/lib64", "/lib32", "/libx32", "/sbin", "/etc/alternatives"];

/** The build directory's path inside the sandbox, as in Nix. */
export const SANDBOX_BUILD_DIR = "/build";

/** The `bwrap` program on `PATH`, or `undefined`. */
export function findBubblewrap(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return programOnPath("bwrap", env);
}

/** The `slirp4netns` program on `PATH` (the user-space network of fixed-output builds), or `undefined`. */
export function findSlirp4netns(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return programOnPath("slirp4netns", env);
}

/** The file descriptor on which bwrap reports the sandbox's PID (`--info-fd`) when a user-space network is attached. */
export const SANDBOX_INFO_FD = 3;
/** The file descriptor bwrap waits on before it runs the builder (`--block-fd`), until the network is up. */
export const SANDBOX_BLOCK_FD = 4;

/** The sandbox paths to use: `KILN_SANDBOX_PATHS` (see {@link parseSandboxPaths}) or the defaults (none). */
export function sandboxPathsFromEnv(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  const configured = env["KILN_SANDBOX_PATHS"];
  return configured === undefined ? DEFAULT_SANDBOX_PATHS : parseSandboxPaths(configured);
}

/**
 * A colon-separated list of host paths to show in the sandbox, each `PATH`
 * (seen at the same place) or `TARGET=SOURCE` (the host's `SOURCE` seen at
 * `TARGET`), as Nix's `extra-sandbox-paths`; the word `host` stands for
 * {@link HOST_TOOL_SANDBOX_PATHS}. Paths that do not exist are left out.
 */
export function parseSandboxPaths(list: string): string[] {
  return list.split(":").flatMap((entry) => (entry === "host" ? HOST_TOOL_SANDBOX_PATHS : entry === "" ? [] : [entry]));
}

/** One sandbox path entry as target (inside the sandbox) and source (on the host). */
function sandboxPathMount(entry: string): { target: string; source: string } {
  const equals = entry.indexOf("=");
  return equals < 0 ? { target: entry, source: entry } : { target: entry.slice(0, equals), source: entry.slice(equals + 1) };
}

/** Whether `path` is `directory` or inside it. */
function isWithin(path: string, directory: string): boolean {
  return path === directory || path.startsWith(directory.endsWith("/") ? directory : `${directory}/`);
}

/** What a sandboxed build needs mounted. */
export interface SandboxSpec {
  /** The real build directory, mounted at `/build`. */
  readonly buildDir: string;
  /** A real, writable directory mounted at the store directory, where outputs are made. */
  readonly chrootStoreDir: string;
  readonly storeDir: string;
  /** Store paths the build may read (its input closure). */
  readonly inputs: Iterable<string>;
  /** Host paths visible read-only, `PATH` or `TARGET=SOURCE` (none when there is a {@link SandboxSpec.buildRoot}). */
  readonly sandboxPaths: readonly string[];
  /**
   * The sandbox shell's mounts: `/bin/sh` and the libraries it loads (see
   * `sandbox-shell.ts`); not used with a {@link SandboxSpec.buildRoot},
   * which has its own `/bin/sh`. Default: none.
   */
  readonly shell?: readonly SandboxShellMount[];
  /**
   * A tree of the input closure to show as `/usr`, `/lib`, `/lib64`, `/bin`,
   * `/sbin` and `/etc` instead of any host path (see `build-root.ts`).
   */
  readonly buildRoot?: string | undefined;
  /** Files mounted read-only at `/etc/passwd`, `/etc/group`, `/etc/hosts`. */
  readonly etcDir: string;
  /** Whether the build may use the network (fixed-output derivations only). */
  readonly network: boolean;
  /**
   * With `network`: give the build a network namespace of its own, which the
   * caller connects (slirp4netns) once bwrap reports the sandbox's PID on
   * {@link SANDBOX_INFO_FD}, then releases the builder by writing to
   * {@link SANDBOX_BLOCK_FD}. Otherwise the host's network namespace is shared.
   */
  readonly privateNetwork?: boolean;
}

/** The build user's uid inside the sandbox, as Nix's sandbox has it. */
export const SANDBOX_UID = 1000;
/** The build user's gid inside the sandbox (`nixbld`). */
export const SANDBOX_GID = 100;

/** The `bwrap` arguments (before `--` and the command) for a build. */
export function bubblewrapArguments(spec: SandboxSpec): string[] {
  const privateNetwork = spec.network && spec.privateNetwork === true;
  // Unprivileged, --dev and --disable-userns make bwrap nest the build user's namespace inside the one owning the
  // network namespace, where slirp4netns could not enter it: such a build gets a /dev of its own making instead, and
  // may make user namespaces (in which the mounts it sees stay locked read-only).
  const nestedUserns = !privateNetwork || process.getuid?.() === 0;
  const args = [
    "--unshare-all",
    "--unshare-user",
    "--uid",
    String(SANDBOX_UID),
    "--gid",
    String(SANDBOX_GID),
    "--cap-drop",
    "ALL",
    ...(nestedUserns ? ["--disable-userns"] : []),
    "--die-with-parent",
    "--new-session",
    "--hostname",
    "localhost",
    ...(nestedUserns ? ["--dev", "/dev"] : ownDev()),
    "--proc",
    "/proc",
    "--ro-bind",
    "/proc/sys",
    "/proc/sys",
    "--ro-bind-try",
    "/proc/sysrq-trigger",
    "/proc/sysrq-trigger",
  ];
  if (privateNetwork) args.push("--info-fd", String(SANDBOX_INFO_FD), "--block-fd", String(SANDBOX_BLOCK_FD));
  else if (spec.network) args.push("--share-net");
  if (spec.buildRoot !== undefined) args.push(...buildRootMounts(spec.buildRoot));
  const paths: { target: string; source: string }[] = [];
  // A path given twice, or inside one given before, is mounted once (bubblewrap cannot mount into a read-only bind).
  for (const entry of spec.buildRoot !== undefined ? [] : spec.sandboxPaths) {
    const mount = sandboxPathMount(entry);
    if (!paths.some((path) => isWithin(mount.target, path.target))) paths.push(mount);
  }
  // A shell file inside a directory given as a sandbox path comes with it (and could not be mounted into a read-only one).
  for (const mount of spec.buildRoot !== undefined ? [] : (spec.shell ?? [])) {
    if (!paths.some((path) => isWithin(mount.target, path.target))) args.push("--ro-bind", mount.source, mount.target);
  }
  for (const { target, source } of paths) {
    let stats;
    try {
      stats = lstatSync(source);
    } catch {
      continue;
    }
    // Merged-/usr hosts make /bin a symlink; it must stay one so that /bin/sh finds its libraries under /usr.
    if (stats.isSymbolicLink() && target === source) args.push("--symlink", readlinkSync(source), target);
    else args.push("--ro-bind", source, target);
  }
  for (const name of ["passwd", "group", "hosts"]) args.push("--ro-bind", join(spec.etcDir, name), `/etc/${name}`);
  if (privateNetwork) args.push("--ro-bind", join(spec.etcDir, "resolv.conf"), "/etc/resolv.conf");
  args.push("--bind", spec.chrootStoreDir, spec.storeDir);
  for (const input of spec.inputs) args.push("--ro-bind", input, input);
  args.push("--bind", spec.buildDir, SANDBOX_BUILD_DIR, "--chdir", SANDBOX_BUILD_DIR);
  return args;
}

/**
 * The mounts of a build root: its top-level directories at `/`, and its
 * `etc` when it has a file for each of those the sandbox mounts over (so
 * that bubblewrap need not create one in a read-only tree).
 */
function buildRootMounts(root: string): string[] {
  const args: string[] = [];
  for (const dir of BUILD_ROOT_DIRS) if (existsSync(join(root, dir))) args.push("--ro-bind", join(root, dir), `/${dir}`);
  const etc = join(root, "etc");
  if (BUILD_ROOT_ETC_FILES.every((name) => existsSync(join(etc, name)))) args.push("--ro-bind", etc, "/etc");
  return args;
}

/** A minimal `/dev` like bwrap's `--dev` (without pseudo-terminals): the harmless host devices and the usual links. */
function ownDev(): string[] {
  const args = ["--tmpfs", "/dev"];
  for (const device of ["null", "zero", "full", "random", "urandom", "tty"]) args.push("--dev-bind-try", `/dev/${device}`, `/dev/${device}`);
  args.push("--symlink", "/proc/self/fd", "/dev/fd", "--symlink", "/proc/self/fd/0", "/dev/stdin", "--symlink", "/proc/self/fd/1", "/dev/stdout", "--symlink", "/proc/self/fd/2", "/dev/stderr");
  args.push("--dir", "/dev/shm");
  return args;
}

/** The `/etc` files of a sandbox: a `nixbld` user, as in Nix's sandbox, and slirp4netns's DNS forwarder. */
export function sandboxEtcFiles(): Record<string, string> {
  return {
    "resolv.conf": "nameserver 10.0.2.3\n",
    passwd: `root:x:0:0:Nix build user:/build:/noshell\nnixbld:x:${SANDBOX_UID}:${SANDBOX_GID}:Nix build user:/build:/noshell\nnobody:x:65534:65534:Nobody:/:/noshell\n`,
    group: `root:x:0:\nnixbld:!:${SANDBOX_GID}:\nnogroup:x:65534:\n`,
    hosts: "127.0.0.1 localhost\n::1 localhost\n",
  };
}
