/**
 * Users and groups: taking `/etc/passwd`, `/etc/group` and `/etc/shadow`
 * of a root from one generation's accounts to the next one's.
 *
 * Like NixOS's `update-users-groups.pl`, Kiln keeps the ids of accounts
 * that exist (so file ownership stays right), allocates free ids for new
 * ones (normal users from 1000 up, system users and groups from 999 down),
 * and removes only accounts it created itself and no generation declares
 * any more; accounts of the host distribution are updated but never
 * removed. Group membership of Kiln's users is Kiln's: a user dropped from
 * `extraGroups` leaves the group, other members stay.
 *
 * As `useradd` and `groupadd` do, a new user gets a locked line in
 * `/etc/shadow` and a new group one in `/etc/gshadow`; a root that has
 * neither file yet (a bare `--root` tree) gets it created, so no account
 * Kiln adds is left without its shadow entry. `/etc/gshadow` lists the same
 * members as `/etc/group`, as `gpasswd` and `usermod -aG` keep them.
 */
import { ActivationError } from "./activation-errors.js";
import type { ActivationManifest, ManagedUser } from "@kiln/formats";
import { accountLine, formatAccountFile, idsInUse, parseAccountFile, type AccountLine } from "./account-files.js";

/**
 * The account files of a root, as text (`""` for a missing file; shadow and
 * gshadow `undefined` when the root has none).
 */
export interface AccountFiles {
  readonly passwd: string;
  readonly group: string;
  readonly shadow: string | undefined;
  /** `/etc/gshadow`: the groups' passwords and administrators (`name:password:admins:members`). */
  readonly gshadow?: string | undefined;
}

/** The accounts Kiln created in a root, kept in its state directory. */
export interface CreatedAccounts {
  readonly users: readonly string[];
  readonly groups: readonly string[];
}

/** A home directory to create. */
export interface HomeToCreate {
  readonly path: string;
  readonly uid: number;
  readonly gid: number;
}

/** The outcome of {@link planAccountChanges}. */
export interface AccountChanges {
  readonly files: AccountFiles;
  readonly created: CreatedAccounts;
  readonly usersAdded: readonly string[];
  readonly usersChanged: readonly string[];
  readonly usersRemoved: readonly string[];
  readonly groupsAdded: readonly string[];
  readonly groupsChanged: readonly string[];
  readonly groupsRemoved: readonly string[];
  readonly homes: readonly HomeToCreate[];
  readonly warnings: readonly string[];
}

function allocate(used: Set<number>, system: boolean): number {
  if (system) {
    for (let id = 999; id >= 400; id--) if (!used.has(id)) return used.add(id), id;
  } else {
    for (let id = 1000; id < 60000; id++) if (!used.has(id)) return used.add(id), id;
  }
  throw new ActivationError(`no free ${system ? "system" : "user"} id is left`);
}

function byName(lines: readonly AccountLine[]): Map<string, AccountLine> {
  return new Map(lines.filter((line) => line.name !== undefined).map((line) => [line.name as string, line]));
}

function setFields(line: AccountLine, fields: readonly string[]): boolean {
  const changed = fields.some((field, index) => line.fields[index] !== field);
  if (changed) fields.forEach((field, index) => (line.fields[index] = field));
  return changed;
}

/** Days since the epoch, the unit of shadow's "last change" field. */
function daysSinceEpoch(now: Date): number {
  return Math.floor(now.getTime() / 86_400_000);
}

/**
 * Plans the account files for `next` (the previous generation was
 * `previous`; `undefined`: none), from the files as they are now. Only the
 * previous generation's users and groups are read: whose memberships are
 * Kiln's to change.
 */
export function planAccountChanges(current: AccountFiles, created: CreatedAccounts, previous: Pick<ActivationManifest, "users" | "groups"> | undefined, next: ActivationManifest, now = new Date()): AccountChanges {
  const passwd = parseAccountFile(current.passwd);
  let groupLines = parseAccountFile(current.group);
  // A root without the shadow files gets them when Kiln adds the first account that needs a line there.
  let shadow = current.shadow === undefined ? undefined : parseAccountFile(current.shadow);
  let gshadow = current.gshadow === undefined ? undefined : parseAccountFile(current.gshadow);
  const shadowFor = (): AccountLine[] => (shadow ??= []);
  const gshadowFor = (): AccountLine[] => (gshadow ??= []);
  const warnings: string[] = [];
  const createdUsers = new Set(created.users);
  const createdGroups = new Set(created.groups);
  const result = { usersAdded: [] as string[], usersChanged: [] as string[], usersRemoved: [] as string[], groupsAdded: [] as string[], groupsChanged: [] as string[], groupsRemoved: [] as string[] };

  // A package's user the root already has keeps what it has: no group of its name is made for it either.
  const rootsOwn = new Set(passwd.flatMap((line) => (line.name !== undefined && next.users[line.name]?.fromPackage !== undefined && !createdUsers.has(line.name) ? [line.name] : [])));
  // Groups first: users need their primary group's id.
  const usedGids = idsInUse(groupLines, 2);
  const groups = byName(groupLines);
  for (const [name, declared] of Object.entries(next.groups)) {
    const existing = groups.get(name);
    // A package's group (systemd-sysusers' way): made when missing, never changed, and its id taken only when free.
    const fromPackage = declared.fromPackage !== undefined;
    if (fromPackage && (existing !== undefined || rootsOwn.has(name))) continue;
    const holder = declared.gid === null ? undefined : groupLines.find((line) => line.name !== undefined && line.name !== name && line.fields[2] === String(declared.gid));
    if (holder !== undefined && !fromPackage) throw new ActivationError(`group '${name}' is declared with gid ${declared.gid}, which group '${holder.name}' of the root already has; choose another gid or leave it unset`);
    if (existing === undefined) {
      const gid = holder === undefined && declared.gid !== null ? declared.gid : allocate(usedGids, true);
      const line = accountLine([name, "x", String(gid), ""]);
      groupLines.push(line);
      groups.set(name, line);
      createdGroups.add(name);
      result.groupsAdded.push(name);
    } else if (declared.gid !== null && existing.fields[2] !== String(declared.gid)) {
      existing.fields[2] = String(declared.gid);
      result.groupsChanged.push(name);
    }
  }

  const usedUids = idsInUse(passwd, 2);
  const users = byName(passwd);
  const homes: HomeToCreate[] = [];
  const leftAlone = new Set<string>();
  for (const [name, declaredUser] of Object.entries(next.users) as [string, ManagedUser][]) {
    let user = declaredUser;
    const primary = groups.get(user.group);
    const fromPackage = user.fromPackage !== undefined;
    // A package's user (systemd-sysusers' way): made when missing, never changed, its memberships too.
    if (fromPackage && users.has(name) && !createdUsers.has(name)) {
      leftAlone.add(name);
      continue;
    }
    if (primary === undefined && fromPackage) {
      leftAlone.add(name);
      warnings.push(`user '${name}' of ${user.fromPackage} has the primary group '${user.group}', which the root does not have: it is not made; declare users.groups.${user.group} or the user itself`);
      continue;
    }
    if (primary === undefined) {
      throw new ActivationError(`user '${name}' has the primary group '${user.group}', which is neither in users.groups nor in the root's /etc/group; declare users.groups.${user.group}`);
    }
    const gid = primary.fields[2] ?? "";
    const existing = users.get(name);
    const holder = user.uid === null ? undefined : passwd.find((line) => line.name !== undefined && line.name !== name && line.fields[2] === String(user.uid));
    if (holder !== undefined && fromPackage) {
      user = { ...user, uid: null };
    } else if (holder !== undefined) throw new ActivationError(`user '${name}' is declared with uid ${user.uid}, which user '${holder.name}' of the root already has; choose another uid or leave it unset`);
    if (existing === undefined) {
      const uid = user.uid ?? allocate(usedUids, user.isSystemUser);
      const line = accountLine([name, "x", String(uid), gid, user.description, user.home, user.shell]);
      passwd.push(line);
      users.set(name, line);
      createdUsers.add(name);
      result.usersAdded.push(name);
    } else {
      const uid = user.uid === null ? (existing.fields[2] ?? "") : String(user.uid);
      if (setFields(existing, [name, existing.fields[1] ?? "x", uid, gid, user.description, user.home, user.shell])) result.usersChanged.push(name);
    }
    // A new account gets a locked password; so does one of Kiln's that a switch interrupted between passwd and shadow left without a shadow line.
    if (createdUsers.has(name) && !(shadow ?? []).some((entry) => entry.name === name)) {
      shadowFor().push(accountLine([name, "!", String(daysSinceEpoch(now)), "0", "99999", "7", "", "", ""]));
      if (existing !== undefined && !result.usersChanged.includes(name)) result.usersChanged.push(name);
    }
    if (user.createHome) {
      const line = users.get(name) as AccountLine;
      homes.push({ path: user.home, uid: Number(line.fields[2]), gid: Number(gid) });
    }
  }

  // Users Kiln created that no longer are declared go; those of the distribution stay.
  for (const name of [...createdUsers]) {
    if (name in next.users) continue;
    if (!users.has(name)) {
      // Its shadow line may outlive it when a switch was interrupted between the two files.
      if (shadow !== undefined) shadow = shadow.filter((entry) => entry.name !== name);
      createdUsers.delete(name);
      continue;
    }
    passwd.splice(passwd.indexOf(users.get(name) as AccountLine), 1);
    users.delete(name);
    if (shadow !== undefined) shadow = shadow.filter((entry) => entry.name !== name);
    createdUsers.delete(name);
    result.usersRemoved.push(name);
  }

  // Membership: Kiln's users are in exactly the groups they name; others' memberships stay.
  const kilnUsers = new Set([...Object.keys(next.users), ...Object.keys(previous?.users ?? {}), ...result.usersRemoved].filter((name) => !leftAlone.has(name)));
  const wanted = new Map<string, Set<string>>();
  for (const [name, user] of Object.entries(next.users)) {
    if (leftAlone.has(name)) continue;
    for (const group of user.extraGroups) {
      if (!groups.has(group)) {
        warnings.push(`user '${name}' is to be in group '${group}', which does not exist; declare users.groups.${group}`);
        continue;
      }
      (wanted.get(group) ?? wanted.set(group, new Set()).get(group))?.add(name);
    }
  }
  for (const [name, declared] of Object.entries(next.groups)) for (const member of declared.members) (wanted.get(name) ?? wanted.set(name, new Set()).get(name))?.add(member);
  const declaredMembers = new Set(Object.values(previous?.groups ?? {}).flatMap((group) => group.members));
  for (const line of groupLines) {
    if (line.name === undefined) continue;
    const members = (line.fields[3] ?? "").split(",").filter((member) => member !== "");
    const kept = members.filter((member) => !kilnUsers.has(member) && !declaredMembers.has(member));
    const added = [...(wanted.get(line.name) ?? [])].filter((member) => !kept.includes(member));
    const updated = [...kept, ...added];
    if (updated.join(",") !== members.join(",")) {
      line.fields[3] = updated.join(",");
      if (!result.groupsAdded.includes(line.name)) result.groupsChanged.push(line.name);
      const secret = gshadow?.find((entry) => entry.name === line.name);
      if (secret !== undefined) secret.fields[3] = updated.join(",");
    }
  }

  // Groups Kiln created that nothing declares or uses any more go.
  const primaryGids = new Set([...users.values()].map((line) => line.fields[3]));
  for (const name of [...createdGroups]) {
    const line = groups.get(name);
    if (name in next.groups || primaryGids.has(line?.fields[2])) continue;
    createdGroups.delete(name);
    // Its gshadow line may outlive it when a switch was interrupted between the two files.
    if (gshadow !== undefined) gshadow = gshadow.filter((entry) => entry.name !== name);
    if (line === undefined) continue;
    groupLines = groupLines.filter((entry) => entry !== line);
    result.groupsRemoved.push(name);
  }

  // Each group Kiln created has its gshadow line (a locked password, no administrators), also one an interrupted switch left without.
  for (const name of createdGroups) {
    const line = groups.get(name);
    if (line === undefined || (gshadow ?? []).some((entry) => entry.name === name)) continue;
    gshadowFor().push(accountLine([name, "!", "", line.fields[3] ?? ""]));
  }

  return {
    files: {
      passwd: formatAccountFile(passwd),
      group: formatAccountFile(groupLines),
      shadow: shadow === undefined ? undefined : formatAccountFile(shadow),
      gshadow: gshadow === undefined ? undefined : formatAccountFile(gshadow),
    },
    created: { users: [...createdUsers].sort(), groups: [...createdGroups].sort() },
    ...result,
    homes,
    warnings,
  };
}
