/**
 * systemd-sysusers' configuration format (sysusers.d(5)), as far as Kiln's
 * activation takes accounts from it: `u NAME ID "GECOS" HOME SHELL` (a
 * system user; `ID` is `-`, a number, `UID:GROUP` or `UID:GID`, a user
 * without a group given getting a group of its own name), `g NAME ID` (a
 * system group) and `m USER GROUP` (a membership). Other lines (`r` ranges,
 * comments) and lines Kiln cannot read (specifiers such as `%H`) are left
 * out, as systemd-sysusers skips lines it cannot use.
 */

/** A system user of a sysusers.d file. */
export interface SysusersUser {
  readonly name: string;
  /** `null`: allocate one. */
  readonly uid: number | null;
  /** Its primary group: named, or the group of its own name. */
  readonly group: string;
  /** The group's id when the line gives it as `UID:GID`, or the user's id for a group of its own. */
  readonly gid: number | null;
  readonly description: string;
  readonly home: string;
  readonly shell: string;
}

/** What one sysusers.d text declares. */
export interface SysusersEntries {
  readonly users: readonly SysusersUser[];
  readonly groups: readonly { readonly name: string; readonly gid: number | null }[];
  readonly members: readonly { readonly user: string; readonly group: string }[];
}

/** Where sysusers.d puts a user without a home, and who may not log in. */
const DEFAULT_HOME = "/";
const NO_LOGIN = "/usr/sbin/nologin";

/** The fields of a line: words, `"quoted text"` as one. */
function fields(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((match) => (match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : (match[2] ?? "")));
}

const NAME = /^[a-z_][a-z0-9_.-]*\$?$/i;

function id(text: string): number | null | undefined {
  if (text === "-" || text === "") return null;
  return /^\d+$/.test(text) && Number(text) < 2 ** 32 - 1 ? Number(text) : undefined;
}

/** What `text` (one sysusers.d file) declares, in its order. */
export function parseSysusers(text: string): SysusersEntries {
  const users: SysusersUser[] = [];
  const groups: { name: string; gid: number | null }[] = [];
  const members: { user: string; group: string }[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.includes("%")) continue;
    const [type, name, idField = "-", gecos = "-", home = "-", shell = "-"] = fields(line);
    if (name === undefined || !NAME.test(name)) continue;
    if (type === "g") {
      const gid = id(idField);
      if (gid !== undefined) groups.push({ name, gid });
    } else if (type === "m") {
      if (NAME.test(idField)) members.push({ user: name, group: idField });
    } else if (type === "u") {
      const [uidText = "-", groupText] = idField.split(":");
      const uid = id(uidText);
      // A path as the id (take the id of that file's owner) is a run-time decision: allocate instead.
      const resolved = uid === undefined && uidText.startsWith("/") ? null : uid;
      if (resolved === undefined) continue;
      const groupId = groupText === undefined ? resolved : id(groupText);
      const group = groupText === undefined || groupId !== undefined ? name : groupText;
      if (group !== name && !NAME.test(group)) continue;
      // What would break a line of /etc/passwd, or a home that is not absolute, makes the line unusable.
      if ([gecos, home, shell].some((value) => value.includes(":")) || (home !== "-" && !home.startsWith("/")) || (shell !== "-" && !shell.startsWith("/"))) continue;
      users.push({
        name,
        uid: resolved,
        group,
        gid: group === name ? (groupId ?? null) : null,
        description: gecos === "-" ? "" : gecos,
        home: home === "-" ? DEFAULT_HOME : home,
        shell: shell === "-" ? NO_LOGIN : shell,
      });
    }
  }
  return { users, groups, members };
}
