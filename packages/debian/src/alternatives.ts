/**
 * Debian's alternatives (`update-alternatives(1)`): several packages offer
 * one generic name (`/usr/bin/awk` by `mawk` and `gawk`, `/usr/bin/editor`
 * by `nano` and `vim`), and the one of highest priority is linked through
 * `/etc/alternatives/<name>`. dpkg makes these links by running the
 * packages' `postinst` scripts; Kiln runs no maintainer script, so it reads
 * the `update-alternatives --install` commands from each `postinst`
 * statically when the `.deb` is unpacked, and the environment builder makes
 * the links of the closure it merges, highest priority winning, as
 * `update-alternatives --auto` would.
 *
 * Only literal commands are read: an argument made by the shell at run time
 * (`$i`, `$(…)`) is skipped, so a generated slave link is not made.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { scriptCommands, words } from "./script-words.js";
import { byName } from "./by-name.js";

/** A link an alternative makes: `link` (e.g. `/usr/bin/nawk`) pointing at `path` (e.g. `/usr/bin/mawk`). */
export interface AlternativeLink {
  /** The generic name, as `/etc/alternatives/<name>`. */
  readonly name: string;
  readonly link: string;
  readonly path: string;
}

/** One `update-alternatives --install LINK NAME PATH PRIORITY [--slave LINK NAME PATH]…` of a package. */
export interface Alternative extends AlternativeLink {
  readonly priority: number;
  readonly slaves: readonly AlternativeLink[];
}

/** The file, inside an unpacked `.deb`'s output, that lists the package's alternatives (JSON). */
export const ALTERNATIVES_FILE = "kiln-debian/alternatives.json";

function literalPath(word: string | undefined): word is string {
  return word !== undefined && word.startsWith("/") && !word.includes("..");
}

function literalName(word: string | undefined): word is string {
  return word !== undefined && /^[A-Za-z0-9_.+-]+$/.test(word);
}

/** The alternatives a maintainer script installs, read from its text (nothing is run). */
export function parseAlternatives(script: string): Alternative[] {
  // Backslash-newline continues a command.
  const alternatives: Alternative[] = [];
  for (const line of scriptCommands(script)) {
    const at = line.search(/(^|\s)update-alternatives\s/);
    if (at < 0) continue;
    const argv = words(line.slice(at));
    const install = argv.indexOf("--install");
    if (install < 0) continue;
    const [link, name, path, priority] = argv.slice(install + 1, install + 5);
    if (!literalPath(link) || !literalName(name) || !literalPath(path) || priority === undefined || !/^-?\d+$/.test(priority)) continue;
    const slaves: AlternativeLink[] = [];
    for (let i = install + 5; i < argv.length; i++) {
      if (argv[i] !== "--slave") continue;
      const [slaveLink, slaveName, slavePath] = argv.slice(i + 1, i + 4);
      if (literalPath(slaveLink) && literalName(slaveName) && literalPath(slavePath)) slaves.push({ link: slaveLink, name: slaveName, path: slavePath });
      i += 3;
    }
    alternatives.push({ link, name, path, priority: Number(priority), slaves });
  }
  return alternatives;
}

/** Writes `alternatives` into an unpacked package's output (nothing when there are none). */
export function writeAlternatives(out: string, alternatives: readonly Alternative[]): void {
  if (alternatives.length === 0) return;
  mkdirSync(join(out, dirname(ALTERNATIVES_FILE)), { recursive: true });
  writeFileSync(join(out, ALTERNATIVES_FILE), `${JSON.stringify(alternatives)}\n`, { mode: 0o644 });
}

/** The alternatives an unpacked package's output lists. */
export function readAlternatives(tree: string): Alternative[] {
  const file = join(tree, ALTERNATIVES_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Alternative[]) : [];
}

/** For each generic name, the alternative `update-alternatives --auto` would pick: highest priority, then the first package in closure order. */
export function chooseAlternatives(offered: readonly Alternative[], exists: (path: string) => boolean): Alternative[] {
  const chosen = new Map<string, Alternative>();
  for (const alternative of offered) {
    // An alternative whose program the closure lacks is not offered (dpkg would have refused it too).
    if (!exists(alternative.path)) continue;
    const current = chosen.get(alternative.name);
    if (current === undefined || alternative.priority > current.priority) chosen.set(alternative.name, alternative);
  }
  return [...chosen.values()].sort(byName);
}

/** Whether `path` exists in the merged tree `root`, following no link (a dangling link is still there). */
function present(root: string, path: string): boolean {
  try {
    lstatSync(join(root, path));
    return true;
  } catch {
    return false;
  }
}

/** Whether every directory above `path` in `root` is a real directory of the merged tree, or missing (so nothing is written through a link). */
function safeParent(root: string, path: string): boolean {
  const parts = path.split("/").filter((part) => part !== "");
  for (let i = 1; i < parts.length; i++) {
    try {
      if (!lstatSync(join(root, ...parts.slice(0, i))).isDirectory()) return false;
    } catch {
      return true;
    }
  }
  return true;
}

/**
 * Makes the links of `alternatives` in the merged tree `root`:
 * `/etc/alternatives/<name>` → the chosen path, and the generic link →
 * `/etc/alternatives/<name>`, for the master and each slave whose path the
 * closure has, unless a package ships a file there itself. Returns the
 * generic links made (paths inside the environment).
 */
export function makeAlternativeLinks(root: string, alternatives: readonly Alternative[]): AlternativeLink[] {
  const made: AlternativeLink[] = [];
  for (const alternative of alternatives) {
    for (const link of [alternative, ...alternative.slaves]) {
      if (!present(root, link.path) || present(root, link.link) || !safeParent(root, link.link) || !safeParent(root, `/etc/alternatives/${link.name}`)) continue;
      const through = `/etc/alternatives/${link.name}`;
      mkdirSync(join(root, "etc/alternatives"), { recursive: true });
      rmSync(join(root, through), { force: true });
      symlinkSync(link.path, join(root, through));
      mkdirSync(dirname(join(root, link.link)), { recursive: true });
      symlinkSync(through, join(root, link.link));
      made.push(link);
    }
  }
  return made;
}
