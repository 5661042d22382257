/**
 * What an FHS environment's bubblewrap sees: the environment's own top-level
 * directories, the host files and directories it shares (as nixpkgs'
 * `buildFHSEnv` shares them), the caches it keeps from its build, and where
 * its runner is. Both building an environment (its caches) and running it
 * (its wrappers) mount through {@link environmentMounts}.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * Where an environment has its runner: `FHS_RUNNER PROGRAM ARGS…` runs
 * `PROGRAM`, a path inside the environment (`/usr/bin/ssh-keygen`), in it,
 * as nixpkgs' `steam-run` runs any program in Steam's environment.
 */
export const FHS_RUNNER = "libexec/kiln-fhs-run";

/** The top-level directories of the merged tree that become the environment's own. */
export const ROOT_DIRS = ["usr", "lib", "lib64", "lib32", "libx32", "bin", "sbin", "etc"] as const;

/** Host files that replace the closure's: who the users are, and how to reach and name things. */
export const HOST_ETC_FILES = ["passwd", "group", "hosts", "resolv.conf", "localtime"] as const;

/**
 * Host directories visible in the environment, read-write as on the host.
 * `/var` is the host's, as in nixpkgs' `buildFHSEnv`: a service's state,
 * cache and log directories (systemd's `StateDirectory=`, `CacheDirectory=`,
 * `LogsDirectory=`) and `/run`'s `RuntimeDirectory=` are where the program
 * looks for them.
 */
export const HOST_DIRS = ["/home", "/tmp", "/run", "/var"] as const;

/** Cache directories below `/var` that an environment keeps from its build (the rest of `/var` is empty at run time). */
export const VAR_CACHES = ["var/cache/fontconfig"] as const;

/**
 * The bubblewrap arguments that make `root` the environment, ending before
 * the program; the environment's own directories writable only while the
 * builder writes its caches.
 */
export function environmentMounts(root: string, storeDir: string, writable = false): string[] {
  const args: string[] = [];
  for (const dir of ROOT_DIRS) if (existsSync(join(root, dir))) args.push(writable ? "--bind" : "--ro-bind", join(root, dir), `/${dir}`);
  for (const file of HOST_ETC_FILES) args.push("--ro-bind-try", `/etc/${file}`, `/etc/${file}`);
  args.push("--ro-bind", storeDir, storeDir, "--dev-bind", "/dev", "/dev", "--proc", "/proc", "--ro-bind", "/sys", "/sys");
  for (const dir of HOST_DIRS) if (!(writable && dir === "/var")) args.push("--bind-try", dir, dir);
  // While the environment is built, its own /var (the caches it writes); when it runs, the host's (a service's state and logs).
  if (writable) args.push("--tmpfs", "/var", "--dir", "/var/tmp");
  for (const cache of VAR_CACHES) if (writable && existsSync(join(root, cache))) args.push("--bind", join(root, cache), `/${cache}`);
  return args;
}
