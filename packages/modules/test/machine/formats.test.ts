/** The file formats the machine modules write: systemd units, sshd_config, shell quoting. */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { FormatError, renderSshdConfig, renderSystemdUnit, systemdEnvironmentAssignment } from "../../src/index.js";
import { shellDoubleQuote, shellSingleQuote } from "../../src/formats/shell-quote.js";
import { errorOf } from "../evaluate.js";

describe("systemd unit files", () => {
  it("write sections in order, booleans as true/false, lists as repeated keys, and leave out nulls and empty sections", () => {
    expect(
      renderSystemdUnit({ Unit: { Description: "Job", After: null }, Service: { Type: "oneshot", RemainAfterExit: true, TimeoutSec: 30, ExecStartPre: ["/bin/a", "/bin/b"] }, Install: {} }, "job.service"),
    ).toBe("[Unit]\nDescription=Job\n\n[Service]\nType=oneshot\nRemainAfterExit=true\nTimeoutSec=30\nExecStartPre=/bin/a\nExecStartPre=/bin/b\n");
  });

  it("refuse a value with a line break, naming the unit and the setting", () => {
    const error = errorOf(() => renderSystemdUnit({ Service: { ExecStart: "a\nb" } }, "systemd.services.job"));
    expect(error).toBeInstanceOf(FormatError);
    expect(error.message).toContain("systemd.services.job: the setting [Service] ExecStart has a value with a line break");
  });

  it("quote Environment= values: spaces kept, quotes and backslashes escaped, control characters as C escapes, % doubled, $ left alone", () => {
    expect(systemdEnvironmentAssignment("A", "plain")).toBe('"A=plain"');
    expect(systemdEnvironmentAssignment("A", 'two words "quoted" C:\\dir')).toBe('"A=two words \\"quoted\\" C:\\\\dir"');
    expect(systemdEnvironmentAssignment("A", "line\nnext\ttab\x1b")).toBe('"A=line\\nnext\\ttab\\x1b"');
    expect(systemdEnvironmentAssignment("A", "100% $HOME")).toBe('"A=100%% $HOME"');
  });
});

describe("sshd_config", () => {
  it("writes yes/no, comma-separated algorithm lists, space-separated name lists, and repeats other keywords", () => {
    expect(renderSshdConfig({ Port: [22, 2222], PasswordAuthentication: false, Ciphers: ["aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com"], AllowUsers: ["alice", "bob"], Banner: null })).toBe(
      "Port 22\nPort 2222\nPasswordAuthentication no\nCiphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com\nAllowUsers alice bob\n",
    );
  });

  it("puts free text (Match blocks) last", () => {
    expect(renderSshdConfig({ X11Forwarding: false }, "Match User backup\n  ForceCommand internal-sftp")).toBe("X11Forwarding no\n\nMatch User backup\n  ForceCommand internal-sftp\n");
  });

  it("refuses keywords sshd would misread", () => {
    expect(errorOf(() => renderSshdConfig({ "Match User x": "y" })).message).toContain("`Match User x' is not an sshd keyword");
  });
});

describe("shell quoting", () => {
  const echo = (word: string): string => execFileSync("/bin/sh", ["-c", `HOME=/home/me; printf '%s' ${word}`], { encoding: "utf8" });

  it("single quotes keep the text exactly", () => {
    expect(echo(shellSingleQuote("it's $HOME `x` \\ \"q\""))).toBe("it's $HOME `x` \\ \"q\"");
  });

  it("double quotes expand parameters and nothing else", () => {
    expect(echo(shellDoubleQuote('$HOME/"a" `b` \\c'))).toBe('/home/me/"a" `b` \\c');
  });
});
