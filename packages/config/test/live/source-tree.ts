/**
 * The local source tree that both the Kiln config (`path()`) and the Nix file
 * (path literals) import. It holds what NAR serialisation must get right:
 * an executable, a symbolic link, an empty directory, an empty file, a file
 * larger than a few NAR padding blocks, and directory entries whose byte
 * order differs from their Unicode or case-insensitive order.
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Regular files by path relative to the tree's root. */
export const SOURCE_FILES: Readonly<Record<string, string>> = {
  "hello.txt": "hello\n",
  "script.sh": "#!/bin/sh\necho hi\n",
  "dir/a.txt": "a\n",
  "dir/B.txt": "upper case sorts before lower case\n",
  "dir/é.txt": "non-ASCII name\n",
  "dir/sp ace": "a space in the name\n",
  "dir/new\nline": "a newline in the name\n",
  "dir/empty-file": "",
  "dir/nested/b.txt": "b\n",
  "dir/nested/big.bin": "0123456789abcdef\u0000\u00ff".repeat(3000),
  "odd+name=?.txt": "odd\n",
};

export const SOURCE_EXECUTABLES: readonly string[] = ["script.sh", "dir/nested/big.bin"];

export const SOURCE_SYMLINKS: Readonly<Record<string, string>> = { "dir/link": "a.txt", "dir/nested/up": "../../hello.txt", "dangling": "does/not/exist" };

export const SOURCE_EMPTY_DIRS: readonly string[] = ["dir/empty"];

/**
 * What the generated derivations may import, relative to the root: files,
 * directories, a symbolic link (imported as the link itself), an empty
 * directory, and `""` for the root (whose store name is the root's name).
 */
export const IMPORTABLE_SOURCES: readonly string[] = ["hello.txt", "script.sh", "dir", "dir/nested", "dir/a.txt", "dir/link", "dir/empty", "dir/empty-file", "dangling", "odd+name=?.txt", ""];

/** Writes the tree under `root` (which must not exist yet). */
export function writeSourceTree(root: string): void {
  mkdirSync(root, { recursive: true });
  for (const [relative, contents] of Object.entries(SOURCE_FILES)) {
    const file = join(root, relative);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, contents, "latin1");
    chmodSync(file, SOURCE_EXECUTABLES.includes(relative) ? 0o755 : 0o644);
  }
  for (const [relative, target] of Object.entries(SOURCE_SYMLINKS)) symlinkSync(target, join(root, relative));
  for (const relative of SOURCE_EMPTY_DIRS) mkdirSync(join(root, relative), { recursive: true });
}
