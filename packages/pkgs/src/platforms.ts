/**
 * Lists of Nix system names for `meta.platforms`, as in nixpkgs'
 * `lib.platforms` (`platforms.linux`, `platforms.unix`, …).
 */

/** Linux systems. */
const linux = ["aarch64-linux", "armv7l-linux", "i686-linux", "riscv64-linux", "x86_64-linux"] as const;
/** macOS systems. */
const darwin = ["aarch64-darwin", "x86_64-darwin"] as const;
/** FreeBSD systems. */
const freebsd = ["aarch64-freebsd", "x86_64-freebsd"] as const;

/** System lists by name. */
export const platforms = Object.freeze({
  linux: Object.freeze([...linux]),
  darwin: Object.freeze([...darwin]),
  freebsd: Object.freeze([...freebsd]),
  unix: Object.freeze([...linux, ...darwin, ...freebsd]),
  all: Object.freeze([...linux, ...darwin, ...freebsd]),
  x86_64: Object.freeze(["x86_64-linux", "x86_64-darwin", "x86_64-freebsd"]),
  aarch64: Object.freeze(["aarch64-linux", "aarch64-darwin", "aarch64-freebsd"]),
} satisfies Record<string, readonly string[]>);
