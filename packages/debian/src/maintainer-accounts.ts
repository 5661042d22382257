/**
 * The system users and groups a Debian package needs. dpkg makes them by
 * running the package's maintainer scripts (`adduser --system …` in a
 * `postinst`), or systemd-sysusers from the package's
 * `/usr/lib/sysusers.d/*.conf`. Kiln runs no script: when a `.deb` is
 * unpacked, the literal `adduser`, `addgroup`, `useradd` and `groupadd`
 * commands of its `preinst` and `postinst` are read (never run) and written
 * as sysusers.d lines (`u`, `g`, `m`, sysusers.d(5)) into
 * `kiln-debian/sysusers.conf`; the environment builder then gathers, for each
 * package of the closure, its own sysusers.d files (preferred: they are
 * what the package itself declares) or else those lines, into the
 * environment's `lib/sysusers.d/`, where machine activation finds the
 * accounts of the packages a machine uses (`@kiln/core`'s
 * `package-accounts.ts`).
 *
 * Only what is certain is read: a command with a word the shell would make
 * (`$USER`) is skipped, and so are commands for normal (non-system) users.
 * Where a command leaves something to adduser's or useradd's defaults, the
 * defaults of Debian's adduser are written: group `nogroup` for `adduser
 * --system` without `--group`, home `/nonexistent`, shell
 * `/usr/sbin/nologin`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { scriptCommands, words } from "./script-words.js";

/** The file, inside an unpacked `.deb`'s output, of the accounts its scripts would make (sysusers.d lines). */
export const ACCOUNTS_FILE = "kiln-debian/sysusers.conf";

/** Where a package's own sysusers.d files lie in its tree. */
export const SYSUSERS_DIRS = ["usr/lib/sysusers.d", "lib/sysusers.d"] as const;

/** Options that take a value, by command (`--home DIR` or `--home=DIR`). */
const VALUED: Readonly<Record<string, ReadonlySet<string>>> = {
  adduser: new Set(["--home", "--shell", "--ingroup", "--gecos", "--comment", "--uid", "--gid", "--firstuid", "--lastuid", "--firstgid", "--lastgid", "--conf", "-c"]),
  useradd: new Set(["-d", "--home-dir", "-s", "--shell", "-g", "--gid", "-G", "--groups", "-c", "--comment", "-u", "--uid", "-k", "--skel", "-K", "--key", "-e", "--expiredate", "-f", "--inactive", "-p", "--password", "-R", "--root", "-P", "--prefix", "-b", "--base-dir", "-Z", "--selinux-user"]),
  groupadd: new Set(["-g", "--gid", "-K", "--key", "-p", "--password", "-R", "--root", "-P", "--prefix"]),
};
const ALIASES: Readonly<Record<string, string>> = { addgroup: "adduser" };

/** A command's options (by name, the last value winning; flags have `""`) and positional words; `undefined` when a word is not literal. */
function parseCommand(command: string, argv: readonly (string | undefined)[]): { options: Map<string, string>; positionals: string[] } | undefined {
  const valued = VALUED[ALIASES[command] ?? command] ?? new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i];
    if (word === undefined) return undefined;
    // Redirections and what follows them (`>/dev/null`, `2>&1`) are not arguments.
    if (/^\d*[<>]/.test(word) || word.startsWith("#")) break;
    if (word.startsWith("-") && word !== "-") {
      const equals = word.indexOf("=");
      if (equals > 0) options.set(word.slice(0, equals), word.slice(equals + 1));
      else if (valued.has(word)) {
        const value = argv[++i];
        if (value === undefined) return undefined;
        options.set(word, value);
      } else options.set(word, "");
    } else positionals.push(word);
  }
  return { options, positionals };
}

const NAME = /^[a-z_][a-z0-9_.-]*\$?$/i;

/** A sysusers.d field: `-` for nothing, quoted when it has spaces. */
function field(value: string | undefined): string {
  if (value === undefined || value === "") return "-";
  return /[\s"]/.test(value) ? `"${value.replace(/["\\]/g, "\\$&")}"` : value;
}

function first(options: Map<string, string>, ...names: string[]): string | undefined {
  for (const name of names) if (options.has(name)) return options.get(name);
  return undefined;
}

/** The sysusers.d lines of one command, or none. */
function accountLines(command: string, parsed: { options: Map<string, string>; positionals: string[] }): string[] {
  const { options, positionals } = parsed;
  if (!positionals.every((name) => NAME.test(name))) return [];
  const numeric = (value: string | undefined): string | undefined => (value !== undefined && /^\d+$/.test(value) ? value : undefined);
  if (command === "adduser" || command === "addgroup") {
    const system = options.has("--system");
    // `adduser USER GROUP`: an existing user into an existing group.
    if (!system && command === "adduser" && positionals.length === 2) return [`m ${positionals[0]} ${positionals[1]}`];
    if (!system || positionals.length !== 1) return [];
    const name = positionals[0] as string;
    if (command === "addgroup") return [`g ${name} ${numeric(options.get("--gid")) ?? "-"}`];
    const ownGroup = options.has("--group");
    const group = ownGroup ? name : (options.get("--ingroup") ?? "nogroup");
    const lines = ownGroup ? [`g ${name} ${numeric(options.get("--gid")) ?? "-"}`] : [];
    lines.push(`u ${name} ${numeric(options.get("--uid")) ?? "-"}:${group} ${field(first(options, "--gecos", "--comment"))} ${field(options.get("--home") ?? "/nonexistent")} ${field(options.get("--shell") ?? "/usr/sbin/nologin")}`);
    return lines;
  }
  if (command === "useradd") {
    if (!options.has("-r") && !options.has("--system")) return [];
    const name = positionals.at(-1);
    if (name === undefined || positionals.length !== 1) return [];
    const given = first(options, "-g", "--gid");
    // A numeric -g names a group by id, which a sysusers line cannot; such a user is left to its own group.
    const group = given !== undefined && numeric(given) === undefined ? given : options.has("-N") || options.has("--no-user-group") ? "users" : name;
    const lines = [`u ${name} ${numeric(first(options, "-u", "--uid")) ?? "-"}:${group} ${field(first(options, "-c", "--comment"))} ${field(first(options, "-d", "--home-dir") ?? "/nonexistent")} ${field(first(options, "-s", "--shell") ?? "/usr/sbin/nologin")}`];
    for (const extra of (first(options, "-G", "--groups") ?? "").split(",")) if (NAME.test(extra)) lines.push(`m ${name} ${extra}`);
    return lines;
  }
  if (command === "groupadd") {
    if ((!options.has("-r") && !options.has("--system")) || positionals.length !== 1) return [];
    return [`g ${positionals[0]} ${numeric(first(options, "-g", "--gid")) ?? "-"}`];
  }
  return [];
}

/**
 * The accounts maintainer scripts make, as sysusers.d lines, in the order
 * the scripts make them (an account made twice, e.g. in `preinst` and
 * `postinst`, once).
 */
export function parseAccountCommands(...scripts: readonly string[]): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const script of scripts) {
    for (const line of scriptCommands(script)) {
      // The command starts the shell command (after `then`, `do`, …), never inside an argument or a comment.
      const match = /^\s*(?:(?:then|do|else|if|!|exec|command)\s+)*(?:\/usr\/s?bin\/)?(adduser|addgroup|useradd|groupadd)(?=\s)/.exec(line);
      if (match === null) continue;
      const command = match[1] as string;
      const parsed = parseCommand(command, words(line.slice(match[0].length - command.length)));
      if (parsed === undefined) continue;
      for (const account of accountLines(command, parsed)) {
        const key = account.split(" ").slice(0, 2).join(" ") + (account.startsWith("m ") ? ` ${account.split(" ")[2]}` : "");
        if (seen.has(key)) continue;
        seen.add(key);
        lines.push(account);
      }
    }
  }
  return lines;
}

/** Writes `lines` into an unpacked package's output (nothing when there are none). */
export function writeAccounts(out: string, lines: readonly string[]): void {
  if (lines.length === 0) return;
  mkdirSync(join(out, dirname(ACCOUNTS_FILE)), { recursive: true });
  writeFileSync(join(out, ACCOUNTS_FILE), `# The accounts this package's maintainer scripts make, read by Kiln (never run).\n${lines.join("\n")}\n`, { mode: 0o644 });
}

/**
 * The accounts of the unpacked trees of a closure, as one sysusers.d text:
 * for each tree its own sysusers.d files, or, when it has none, the lines
 * read from its scripts; `""` when no tree has any.
 */
export function closureAccounts(trees: readonly string[]): string {
  const parts: string[] = [];
  for (const tree of trees) {
    const own = SYSUSERS_DIRS.flatMap((dir) => {
      let names: string[];
      try {
        names = readdirSync(join(tree, dir)).filter((name) => name.endsWith(".conf")).sort();
      } catch {
        return [];
      }
      return names.map((name) => join(tree, dir, name));
    });
    const files = own.length > 0 ? own : existsSync(join(tree, ACCOUNTS_FILE)) ? [join(tree, ACCOUNTS_FILE)] : [];
    for (const file of files) parts.push(`# ${file}\n${readFileSync(file, "utf8").replace(/\n*$/, "\n")}`);
  }
  return parts.join("");
}
