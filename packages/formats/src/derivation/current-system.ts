/**
 * `builtins.currentSystem`: the Nix system name of the machine Kiln runs on.
 */
import { KilnError } from "../errors.js";

const ARCHITECTURES: Readonly<Record<string, string>> = { x64: "x86_64", arm64: "aarch64", ia32: "i686", riscv64: "riscv64", arm: "armv7l" };
const PLATFORMS: Readonly<Record<string, string>> = { linux: "linux", darwin: "darwin", freebsd: "freebsd" };

/** The Nix system name (`x86_64-linux`, `aarch64-darwin`, …) of this machine. */
export function currentSystem(): string {
  const architecture = ARCHITECTURES[process.arch];
  const platform = PLATFORMS[process.platform];
  if (architecture === undefined || platform === undefined) {
    throw new KilnError(`Kiln does not know the Nix system name of ${process.arch}-${process.platform}; pass system explicitly`);
  }
  return `${architecture}-${platform}`;
}
