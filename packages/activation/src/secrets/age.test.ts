/** age through the real program: what one key encrypts only that key decrypts, and a failure names the file and age's reason. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ageDecrypt, ageEncrypt } from "./age.js";

const hasAge = spawnSync("age-keygen", ["--help"]).error === undefined && spawnSync("age", ["--version"]).status === 0;
const work = mkdtempSync(join(tmpdir(), "kiln-age-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function keyPair(name: string): { identity: string; recipient: string } {
  const identity = join(work, name);
  spawnSync("age-keygen", ["-o", identity]);
  const recipient = /public key: (age1\w+)/.exec(readFileSync(identity, "utf8"))?.[1] ?? "";
  return { identity, recipient };
}

describe.skipIf(!hasAge)("age", () => {
  it("decrypts with the recipient's key, and refuses another key naming the file", () => {
    const right = keyPair("right");
    const wrong = keyPair("wrong");
    const file = join(work, "s.age");
    writeFileSync(file, ageEncrypt(Buffer.from("plain\0bytes\n"), [right.recipient]));
    expect(readFileSync(file, "utf8")).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n/);
    expect(ageDecrypt(file, [right.identity]).toString()).toBe("plain\0bytes\n");
    expect(() => ageDecrypt(file, [wrong.identity], { what: `cannot decrypt ${file}` })).toThrow(new RegExp(`cannot decrypt ${file}: no identity matched any of the recipients`));
  });

  it("says how to get age when the program is missing, and refuses to encrypt for nobody", () => {
    expect(() => ageDecrypt("/x.age", ["/k"], { program: "/nonexistent/age" })).toThrow(/the age program '\/nonexistent\/age' was not found; install Debian's 'age' package/);
    expect(() => ageEncrypt(Buffer.from("x"), [])).toThrow(/no recipients/);
  });
});
