/**
 * Loads the Nix 2.8 conformance fixtures (see fixtures/conformance/README.md)
 * and turns a derivation case's spec into `derivation()` attributes.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Derivation, path, placeholder, toFile, unsafeDiscardStringContext } from "../src/index.js";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "conformance");

/** Reads one fixture file. */
export function readFixture<T>(file: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as T;
}

export interface DerivationSpec {
  readonly id: string;
  readonly tags: readonly string[];
  readonly name: string;
  readonly system: string;
  readonly builder: string;
  readonly args: readonly unknown[];
  readonly env: Readonly<Record<string, unknown>>;
  readonly outputs?: readonly string[];
  readonly fod?: { readonly outputHash: string; readonly outputHashAlgo: string | null; readonly outputHashMode: string | null };
  readonly passAsFile?: readonly string[];
  readonly structuredAttrs?: boolean;
  readonly ignoreNulls?: boolean;
}

export interface DerivationCase {
  readonly spec: DerivationSpec;
  readonly drvPath: string;
  readonly aterm: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly showDerivation: unknown;
  readonly derived: { readonly drvHashModulo: string; readonly maskedDrvHash?: string };
}

export interface DerivationFixtures {
  readonly storeDir: string;
  readonly cases: readonly DerivationCase[];
  readonly texts: Readonly<Record<string, { readonly name: string; readonly content: string; readonly path: string }>>;
  readonly sources: Readonly<Record<string, string>>;
  readonly sourceExecutables: readonly string[];
  readonly sourceSymlinks: Readonly<Record<string, string>>;
  readonly sourceEmptyDirs: readonly string[];
  readonly sourcePaths: Readonly<Record<string, string>>;
}

/** Writes the fixtures' sources directory into a fresh temporary directory and returns it. */
export function materialiseSources(fixtures: DerivationFixtures): string {
  const root = mkdtempSync(join(tmpdir(), "kiln-sources-"));
  for (const [relative, base64] of Object.entries(fixtures.sources)) {
    const file = join(root, relative);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Buffer.from(base64, "base64"), { mode: fixtures.sourceExecutables.includes(relative) ? 0o755 : 0o644 });
  }
  for (const [relative, target] of Object.entries(fixtures.sourceSymlinks)) {
    mkdirSync(dirname(join(root, relative)), { recursive: true });
    symlinkSync(target, join(root, relative));
  }
  for (const relative of fixtures.sourceEmptyDirs) mkdirSync(join(root, relative), { recursive: true });
  return root;
}

const PLACEHOLDER = /\{\{(out|drvpath|outnoctx|src|text|placeholder):([^{}]*)\}\}/g;

/** Evaluates fixture specs in order, as the `.nix` that produced them did. */
export class SpecEvaluator {
  readonly derivations = new Map<string, Derivation>();
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly fixtures: DerivationFixtures,
    private readonly sourcesDir: string,
  ) {}

  /** Replaces placeholders with the Kiln expressions they stand for. */
  expand(text: string): string {
    return text.replace(PLACEHOLDER, (_match, kind: string, argument: string) => {
      const [id = "", output = ""] = argument.split(":");
      switch (kind) {
        case "out":
          return `${this.derivation(id).outputs[output]}`;
        case "drvpath":
          return this.derivation(id).drvPath;
        case "outnoctx":
          return unsafeDiscardStringContext(`${this.derivation(id).outputs[output]?.outPath}`);
        case "src":
          return path(join(this.sourcesDir, argument));
        case "text":
          return this.text(argument);
        default:
          return placeholder(argument);
      }
    });
  }

  private derivation(id: string): Derivation {
    const found = this.derivations.get(id);
    if (found === undefined) throw new Error(`case ${id} not evaluated yet`);
    return found;
  }

  private text(id: string): string {
    const known = this.texts.get(id);
    if (known !== undefined) return known;
    const spec = this.fixtures.texts[id];
    if (spec === undefined) throw new Error(`no text ${id}`);
    const made = toFile(spec.name, this.expand(spec.content));
    this.texts.set(id, made);
    return made;
  }

  /** Expands placeholders at any depth of a JSON value. */
  value(value: unknown): unknown {
    if (typeof value === "string") return this.expand(value);
    if (Array.isArray(value)) return value.map((element) => this.value(element));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, element]) => [key, this.value(element)]));
    }
    return value;
  }

  /** The attributes of `derivation()` for `spec`. */
  attrs(spec: DerivationSpec): Record<string, unknown> {
    const attrs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(spec.env)) attrs[key] = this.value(value);
    attrs["name"] = spec.name;
    attrs["system"] = spec.system;
    attrs["builder"] = this.expand(spec.builder);
    attrs["args"] = this.value(spec.args);
    if (spec.outputs !== undefined) attrs["outputs"] = [...spec.outputs];
    if (spec.fod !== undefined) {
      attrs["outputHash"] = spec.fod.outputHash;
      if (spec.fod.outputHashAlgo !== null) attrs["outputHashAlgo"] = spec.fod.outputHashAlgo;
      if (spec.fod.outputHashMode !== null) attrs["outputHashMode"] = spec.fod.outputHashMode;
    }
    if (spec.passAsFile !== undefined) attrs["passAsFile"] = [...spec.passAsFile];
    if (spec.structuredAttrs !== undefined) attrs["__structuredAttrs"] = spec.structuredAttrs;
    if (spec.ignoreNulls === true) attrs["__ignoreNulls"] = true;
    return attrs;
  }
}
