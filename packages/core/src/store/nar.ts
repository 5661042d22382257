// TEMPORARY STUB (to be replaced by the real NAR module).
import { lstatSync, openSync, readSync, closeSync, readdirSync, readlinkSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { Hash, type HashAlgorithm } from "./hash.js";

export function hashPathSync(path: string, algorithm: HashAlgorithm = "sha256"): { hash: Hash; narSize: number } {
  const h = createHash(algorithm);
  let size = 0;
  const str = (b: Buffer | string) => {
    const buf = typeof b === "string" ? Buffer.from(b) : b;
    const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(buf.length));
    h.update(len); h.update(buf); size += 8 + buf.length;
    const pad = (8 - (buf.length % 8)) % 8; if (pad) { h.update(Buffer.alloc(pad)); size += pad; }
  };
  const dump = (p: string) => {
    const st = lstatSync(p);
    str("(");
    if (st.isSymbolicLink()) { str("type"); str("symlink"); str("target"); str(readlinkSync(p, { encoding: "buffer" })); }
    else if (st.isFile()) {
      str("type"); str("regular"); if (st.mode & 0o100) { str("executable"); str(""); }
      str("contents");
      const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(st.size)); h.update(len); size += 8;
      const fd = openSync(p, "r"); const chunk = Buffer.alloc(65536); let n;
      while ((n = readSync(fd, chunk)) > 0) { h.update(chunk.subarray(0, n)); size += n; }
      closeSync(fd);
      const pad = (8 - (st.size % 8)) % 8; if (pad) { h.update(Buffer.alloc(pad)); size += pad; }
    } else {
      str("type"); str("directory");
      const names = readdirSync(p, { encoding: "buffer" }).sort(Buffer.compare);
      for (const name of names) { str("entry"); str("("); str("name"); str(name); str("node"); dump(p + "/" + name.toString("utf8")); str(")"); }
    }
    str(")");
  };
  str("nix-archive-1"); dump(path);
  return { hash: new Hash(algorithm, h.digest()), narSize: size };
}
export function hashFileSync(path: string, algorithm: HashAlgorithm = "sha256"): Hash {
  const h = createHash(algorithm); const fd = openSync(path, "r"); const chunk = Buffer.alloc(65536); let n;
  while ((n = readSync(fd, chunk)) > 0) h.update(chunk.subarray(0, n));
  closeSync(fd); return new Hash(algorithm, h.digest());
}
export function writeNarOfText(text: string, write: (chunk: Uint8Array) => void): void {
  const str = (b: Buffer | string) => { const buf = typeof b === "string" ? Buffer.from(b) : b; const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(buf.length)); write(len); write(buf); const pad = (8 - (buf.length % 8)) % 8; if (pad) write(Buffer.alloc(pad)); };
  for (const t of ["nix-archive-1", "(", "type", "regular", "contents"]) str(t); str(Buffer.from(text)); str(")");
}
export function writeNarOfPath(path: string, write: (chunk: Uint8Array) => void): void {
  const str = (b: Buffer | string) => { const buf = typeof b === "string" ? Buffer.from(b) : b; const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(buf.length)); write(len); write(buf); const pad = (8 - (buf.length % 8)) % 8; if (pad) write(Buffer.alloc(pad)); };
  const dump = (p: string) => {
    const st = lstatSync(p); str("(");
    if (st.isSymbolicLink()) { str("type"); str("symlink"); str("target"); str(readlinkSync(p, { encoding: "buffer" })); }
    else if (st.isFile()) { str("type"); str("regular"); if (st.mode & 0o100) { str("executable"); str(""); } str("contents"); const data = readFileSync(p); str(data); }
    else { str("type"); str("directory"); for (const name of readdirSync(p, { encoding: "buffer" }).sort(Buffer.compare)) { str("entry"); str("("); str("name"); str(name); str("node"); dump(p + "/" + name.toString("utf8")); str(")"); } }
    str(")");
  };
  str("nix-archive-1"); dump(path);
}
