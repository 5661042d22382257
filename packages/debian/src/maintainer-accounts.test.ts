import { describe, expect, it } from "vitest";
import { parseAccountCommands } from "./maintainer-accounts.js";

describe("the accounts maintainer scripts make, read without running them", () => {
  it("reads adduser --system as Debian's adduser makes the user: its group, home and shell, or adduser's defaults", () => {
    // openssh-server's postinst (bookworm), then tor's and a daemon with a group of its own.
    const script = [
      "if ! getent passwd sshd >/dev/null; then",
      "\t\tadduser --quiet --system --no-create-home --home /run/sshd --shell /usr/sbin/nologin sshd",
      "fi",
      'adduser --quiet --system --disabled-password --home /var/lib/tor --no-create-home --shell /bin/false --group debian-tor >/dev/null 2>&1',
      'adduser --system --ingroup redis --gecos "Redis server" --home=/var/lib/redis redis',
      "addgroup --system --quiet ssl-cert",
      "adduser --system lonely",
    ].join("\n");
    expect(parseAccountCommands(script)).toEqual([
      "u sshd -:nogroup - /run/sshd /usr/sbin/nologin",
      "g debian-tor -",
      "u debian-tor -:debian-tor - /var/lib/tor /bin/false",
      'u redis -:redis "Redis server" /var/lib/redis /usr/sbin/nologin',
      "g ssl-cert -",
      "u lonely -:nogroup - /nonexistent /usr/sbin/nologin",
    ]);
  });

  it("reads useradd -r and groupadd -r, memberships (adduser USER GROUP, useradd -G), and each account once", () => {
    const preinst = "groupadd -r -g 120 mail-ish\nuseradd -r -d /var/spool/x -s /usr/sbin/nologin -c 'X daemon' -G adm,mail-ish xd\n";
    const postinst = "adduser xd www-data\nuseradd -r -d /var/spool/x -s /usr/sbin/nologin xd\n";
    expect(parseAccountCommands(preinst, postinst)).toEqual([
      "g mail-ish 120",
      'u xd -:xd "X daemon" /var/spool/x /usr/sbin/nologin',
      "m xd adm",
      "m xd mail-ish",
      "m xd www-data",
    ]);
  });

  it("skips what the shell would make, normal users, and commands that only look like adduser", () => {
    const script = [
      'adduser --system --home "$HOME_DIR" daemon-x',
      "adduser --system $NAME",
      "adduser alice",
      "useradd bob",
      'echo "run adduser --system later"',
      "# adduser --system commented",
      "groupadd users-not-system",
    ].join("\n");
    expect(parseAccountCommands(script)).toEqual([]);
  });
});
