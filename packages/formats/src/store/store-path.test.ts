import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { materialiseSources, readFixture, type DerivationFixtures } from "../../test/conformance-fixtures.js";
import { hashString } from "./hash.js";
import { hashFileSync, hashPathSync } from "./nar-hash.js";
import { narChunksOfText } from "./nar-writer.js";
import { encodeNixBase32 } from "./nix-base32.js";
import {
  computeTextPath,
  DEFAULT_NIX_STORE_DIR,
  InvalidStorePathError,
  InvalidStorePathNameError,
  isDerivationPath,
  isStorePath,
  makeFixedOutputPath,
  makeOutputPath,
  makeStorePath,
  makeTextPath,
  makeTypeWithReferences,
  outputPathName,
  parseStorePath,
  storePathNameProblem,
  toStorePath,
  validateStoreDir,
  validateStorePathName,
} from "./store-path.js";

const fixtures = readFixture<DerivationFixtures>("derivations.json");

describe("store path names follow Nix 2.8's rules", () => {
  it.each([
    ["", /it is empty/],
    ["a".repeat(212), /longer than 211 characters \(212\)/],
    ["hello world", /contains the character " "/],
    ["a/b", /contains the character "\/"/],
    ["at@sign", /contains the character "@"/],
    ["bang!", /contains the character "!"/],
    ["star*", /contains the character "\*"/],
    ["new\nline", /contains the character "\\n"/],
    ["caf\u00e9", /contains the character "\u00e9"/],
    ["emoji\u{1F600}", /contains the character "\u{1F600}"/u],
  ])("refuses %j", (name, message) => {
    expect(() => validateStorePathName(name)).toThrow(InvalidStorePathNameError);
    expect(() => validateStorePathName(name)).toThrow(message);
    expect(storePathNameProblem(name)).toBeDefined();
  });

  it("names what was being validated and lists the allowed characters", () => {
    expect(() => validateStorePathName("a b", "derivation name")).toThrow(
      'invalid derivation name "a b": it contains the character " "; only letters, digits and + - . _ ? = are allowed',
    );
  });

  // `nix-store --add .dotname` succeeds in Nix 2.8 (later versions refuse a leading period).
  it.each(["a", "a".repeat(211), ".dotname", ".", "..", "0digit", "+-._?=", "-leading", "odd?=+name_.txt"])("accepts %j", (name) => {
    expect(() => validateStorePathName(name)).not.toThrow();
    expect(storePathNameProblem(name)).toBeUndefined();
  });
});

describe("builtins.toFile paths match Nix 2.8 for every text of derivations.json", () => {
  // `builtins.placeholder "out"` is "/" + nix32(sha256("nix-output:out")); it is not a reference.
  const placeholder = (output: string): string => `/${encodeNixBase32(hashString("sha256", `nix-output:${output}`).bytes)}`;
  const paths = new Map<string, string>();

  /** The content and references of text `id`, with its placeholders resolved as Nix resolved them. */
  function resolve(id: string): { content: string; references: string[] } {
    const text = fixtures.texts[id];
    if (text === undefined) throw new Error(`no text ${id}`);
    const references: string[] = [];
    const content = text.content.replace(/\{\{(src|text|placeholder):([^{}]*)\}\}/g, (_match, kind: string, argument: string) => {
      if (kind === "placeholder") return placeholder(argument);
      const path = kind === "src" ? fixtures.sourcePaths[argument] : textPath(argument);
      if (path === undefined) throw new Error(`cannot resolve ${kind}:${argument}`);
      references.push(path);
      return path;
    });
    return { content, references };
  }

  function textPath(id: string): string {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const { content, references } = resolve(id);
    const path = computeTextPath(fixtures.texts[id]?.name ?? "", content, references);
    paths.set(id, path);
    return path;
  }

  it("has texts with and without references", () => {
    expect(Object.keys(fixtures.texts).length).toBeGreaterThanOrEqual(10);
    expect(Object.values(fixtures.texts).some((text) => text.content.includes("{{"))).toBe(true);
  });

  it.each(Object.entries(fixtures.texts))("%s", (id, text) => {
    expect(textPath(id)).toBe(text.path);
    const { content, references } = resolve(id);
    // makeTextPath is the same computation from a precomputed hash; reference order does not matter.
    expect(makeTextPath(text.name, hashString("sha256", content), references.reverse())).toBe(text.path);
  });
});

describe("source paths match nix-store --add for every source of derivations.json", () => {
  const sourcesDir = materialiseSources(fixtures);
  afterAll(() => rmSync(sourcesDir, { recursive: true, force: true }));

  it.each(Object.entries(fixtures.sourcePaths))("%s", (relative, expected) => {
    const { hash } = hashPathSync(join(sourcesDir, relative));
    expect(makeFixedOutputPath("recursive", hash, basename(relative))).toBe(expected);
  });
});

describe("a store directory other than /nix/store", () => {
  // Expected values from Nix 2.8 with `--store 'local?root=/tmp/r&store=/opt/kiln/store'`.
  const storeDir = "/opt/kiln/store";

  it("changes builtins.toFile's path", () => {
    expect(computeTextPath("hello.txt", "hello world\n", [], storeDir)).toBe("/opt/kiln/store/42jpjajs1iphldyg07nmqbn08ifrfk1h-hello.txt");
    expect(computeTextPath("hello.txt", "hello world\n", [])).toBe(fixtures.texts["t0"]?.path);
  });

  it("changes nix-store --add and --add-fixed paths (a file named .dotname holding 'y')", () => {
    const narHash = hashString("sha256", Buffer.concat([...narChunksOfText("y")]));
    expect(makeFixedOutputPath("recursive", narHash, ".dotname", storeDir)).toBe("/opt/kiln/store/kxjydvfqvi22wchhrcmfllkpsb9kyzr0-.dotname");
    expect(makeFixedOutputPath("flat", hashString("sha1", "y"), ".dotname", storeDir)).toBe("/opt/kiln/store/p15kbmzw54kclchip15vazlc4g7fvn2z-.dotname");
    expect(makeFixedOutputPath("recursive", narHash, ".dotname")).toBe("/nix/store/m8vwr4rclj808p2923lxax80c14xzx08-.dotname");
  });

  it("gives a store directory outside ASCII its path too, and the next store directory its own", () => {
    const unusual = "/opt/kiln/st\u00f6re\u{1F600}";
    const digest = createHash("sha256").update(`text:sha256:${hashString("sha256", "hello world\n").toBase16()}:${unusual}:hello.txt`).digest();
    const folded = new Uint8Array(20);
    for (let i = 0; i < digest.length; i++) folded[i % 20] = (folded[i % 20] ?? 0) ^ (digest[i] ?? 0);
    expect(computeTextPath("hello.txt", "hello world\n", [], unusual)).toBe(`${unusual}/${encodeNixBase32(folded)}-hello.txt`);
    expect(computeTextPath("hello.txt", "hello world\n", [], storeDir)).toBe("/opt/kiln/store/42jpjajs1iphldyg07nmqbn08ifrfk1h-hello.txt");
  });

  it("must be absolute, without a trailing or doubled slash", () => {
    for (const bad of ["nix/store", "/nix/store/", "/nix//store", ""]) expect(() => validateStoreDir(bad), bad).toThrow(InvalidStorePathError);
    for (const good of ["/nix/store", "/", "/opt/kiln/store"]) expect(() => validateStoreDir(good), good).not.toThrow();
  });
});

describe("how store paths are made", () => {
  const hash = hashString("sha256", "x");

  it("hashes the fingerprint type:sha256:<hex>:<storeDir>:<name> and folds it to 160 bits", () => {
    const path = makeStorePath("source", hash, "x");
    const fingerprint = `source:sha256:${hash.toBase16()}:/nix/store:x`;
    const digest = hashString("sha256", fingerprint).bytes;
    const folded = digest.slice(0, 20).map((byte, i) => byte ^ (digest[i + 20] ?? 0));
    expect(path).toBe(`/nix/store/${encodeNixBase32(folded)}-x`);
  });

  it("sorts and de-duplicates references, with self last", () => {
    expect(makeTypeWithReferences("text", ["/nix/store/b", "/nix/store/a", "/nix/store/b"])).toBe("text:/nix/store/a:/nix/store/b");
    expect(makeTypeWithReferences("source", ["/nix/store/a"], true)).toBe("source:/nix/store/a:self");
  });

  it("refuses an invalid name before hashing", () => {
    expect(() => makeStorePath("source", hash, "a b")).toThrow(InvalidStorePathNameError);
    expect(() => computeTextPath("", "x", [])).toThrow(/it is empty/);
  });

  it("names outputs other than out with a suffix", () => {
    expect(outputPathName("hello", "out")).toBe("hello");
    expect(outputPathName("hello", "dev")).toBe("hello-dev");
    expect(makeOutputPath("dev", hash, "hello")).toMatch(/^\/nix\/store\/[0-9a-z]{32}-hello-dev$/);
  });

  it("lets only recursive sha256 paths have references", () => {
    const reference = "/nix/store/00000000000000000000000000000000-a";
    expect(() => makeFixedOutputPath("flat", hash, "x", DEFAULT_NIX_STORE_DIR, [reference])).toThrow(InvalidStorePathError);
    expect(() => makeFixedOutputPath("recursive", hashString("sha1", "x"), "x", DEFAULT_NIX_STORE_DIR, [], true)).toThrow(/cannot have references/);
    expect(makeFixedOutputPath("recursive", hash, "x", DEFAULT_NIX_STORE_DIR, [reference])).not.toBe(makeFixedOutputPath("recursive", hash, "x"));
  });

  it("gives a flat sha256 file a different path than the same hash added recursively", () => {
    expect(makeFixedOutputPath("flat", hash, "x")).not.toBe(makeFixedOutputPath("recursive", hash, "x"));
  });
});

describe("reading store paths", () => {
  const path = "/nix/store/9gz0m5kka3amb4g3263rlxx9j5518j5z-hello.txt";

  it("splits a store path into store directory, hash part and name", () => {
    expect(parseStorePath(path)).toEqual({ storeDir: "/nix/store", hashPart: "9gz0m5kka3amb4g3263rlxx9j5518j5z", name: "hello.txt" });
    expect(parseStorePath("/opt/kiln/store/42jpjajs1iphldyg07nmqbn08ifrfk1h-hello.txt", "/opt/kiln/store").name).toBe("hello.txt");
    expect(isStorePath(path)).toBe(true);
  });

  it.each([
    ["/elsewhere/9gz0m5kka3amb4g3263rlxx9j5518j5z-x", /not in the Nix store \/nix\/store/],
    [`${path}/bin`, /is not a store path \(it is inside one\)/],
    ["/nix/store/short-x", /not a valid store path/],
    ["/nix/store/9gz0m5kka3amb4g3263rlxx9j5518j5z", /not a valid store path/],
    ["/nix/store/9gz0m5kka3amb4g3263rlxx9j5518j5z-", /not a valid store path/],
    ["/nix/store/9gz0m5kka3amb4g3263rlxx9j5518j5zxhello", /not a valid store path/],
    ["/nix/store/egz0m5kka3amb4g3263rlxx9j5518j5z-x", /not a valid store path/],
    ["/nix/store/9gz0m5kka3amb4g3263rlxx9j5518j5z-a b", /has an invalid name: it contains the character " "/],
  ])("refuses %j", (text, message) => {
    expect(() => parseStorePath(text)).toThrow(InvalidStorePathError);
    expect(() => parseStorePath(text)).toThrow(message);
    expect(isStorePath(text)).toBe(false);
  });

  it("finds the store path a file lies in", () => {
    expect(toStorePath(path)).toBe(path);
    expect(toStorePath(`${path}/bin/x`)).toBe(path);
    expect(() => toStorePath("/usr/bin/x")).toThrow(/not in the Nix store/);
    expect(() => toStorePath("/nix/store/short/bin")).toThrow(/not a valid store path/);
  });

  it("tells derivation paths by their .drv suffix", () => {
    expect(isDerivationPath("/nix/store/00000000000000000000000000000000-a.drv")).toBe(true);
    expect(isDerivationPath(path)).toBe(false);
  });
});

describe("flat hashes give the paths of nix-store --add-fixed", () => {
  it("uses the file's own hash, not its NAR's", () => {
    const sourcesDir = materialiseSources(fixtures);
    try {
      const file = join(sourcesDir, "hello.txt");
      const flat = makeFixedOutputPath("flat", hashFileSync(file, "sha256"), "hello.txt");
      expect(flat).not.toBe(fixtures.sourcePaths["hello.txt"]);
      expect(makeFixedOutputPath("recursive", hashPathSync(file).hash, "hello.txt")).toBe(fixtures.sourcePaths["hello.txt"]);
    } finally {
      rmSync(sourcesDir, { recursive: true, force: true });
    }
  });
});
