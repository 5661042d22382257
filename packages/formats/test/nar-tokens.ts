/**
 * Builds NAR bytes token by token for tests, independently of Kiln's writer:
 * each token is an 8-byte little-endian length, its bytes, and zero padding
 * to a multiple of 8. Tests use it to spell out expected NARs and hostile ones.
 */

/** The NAR framing of `tokens`, concatenated. */
export function narTokens(...tokens: (string | Uint8Array)[]): Buffer {
  return Buffer.concat(
    tokens.map((token) => {
      const bytes = typeof token === "string" ? Buffer.from(token, "utf8") : Buffer.from(token);
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(bytes.length));
      return Buffer.concat([length, bytes, Buffer.alloc((8 - (bytes.length % 8)) % 8)]);
    }),
  );
}

/** The tokens of a regular file node. */
export function regularTokens(contents: string | Uint8Array, executable = false): (string | Uint8Array)[] {
  return ["(", "type", "regular", ...(executable ? ["executable", ""] : []), "contents", contents, ")"];
}

/** The tokens of a symlink node. */
export function symlinkTokens(target: string | Uint8Array): (string | Uint8Array)[] {
  return ["(", "type", "symlink", "target", target, ")"];
}

/** The tokens of a directory entry. */
export function entryTokens(name: string | Uint8Array, node: (string | Uint8Array)[]): (string | Uint8Array)[] {
  return ["entry", "(", "name", name, "node", ...node, ")"];
}

/** The tokens of a directory node holding `entries` (in the order given, sorted or not). */
export function directoryTokens(...entries: (string | Uint8Array)[][]): (string | Uint8Array)[] {
  return ["(", "type", "directory", ...entries.flat(), ")"];
}
