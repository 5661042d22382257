/**
 * `derivation()`: the TypeScript counterpart of `builtins.derivation`.
 *
 * It takes attributes, turns them into a {@link Drv} exactly as Nix's
 * `derivationStrict` does (same coercions, same handling of `outputs`,
 * `outputHash*`, `__structuredAttrs`, `__ignoreNulls`), computes the output
 * paths and the `.drv` path, and registers those paths so that strings
 * mentioning them carry them as dependencies.
 */
import { compareUtf8, sortUtf8 } from "../util/compare-utf8.js";
import { isHashAlgorithm, parseHashAllowEmpty, type HashAlgorithm } from "../store/hash.js";
import { getStoreDir } from "../store/current-store-dir.js";
import {
  computeTextPath,
  makeFixedOutputPath,
  STORE_PATH_NAME_MAX_LENGTH,
  textPathOfValidName,
  outputPathFromHex,
  outputPathName,
  storePathNameProblem,
  type FileIngestionMethod,
} from "../store/store-path.js";
import { KilnError } from "../errors.js";
import { AtermPrinter, printAterm } from "./aterm.js";
import { coerceToJson, coerceToString, nixJsonString, type CoercionSite, type DerivationAttrValue } from "./coerce.js";
import { ADD_OWN_CONTEXT, lookupContextEntry, registerContextEntry, StringContext, stripContextMarks, type ContextDerivation, type HasOwnContext } from "./context.js";
import { singleOutput } from "./single-output.js";
import { CompactMap } from "./compact-map.js";
import { DerivationError } from "./derivation-error.js";
import type { Drv, DrvOutput } from "./drv.js";
import { hashDerivationModulo, hashHexWithInputsModulo, inputsModulo, type HashModulo } from "./hash-modulo.js";
import { UniformHashModulo } from "./uniform-hash-modulo.js";
import { reportWarning } from "../warnings.js";
import { noteDerivationForProfile } from "../evaluation/evaluation-profile.js";

export type { DerivationAttrValue } from "./coerce.js";

/** The attributes of {@link derivation}: the special ones Nix knows, and any others for the environment. */
export interface DerivationAttrs<Outputs extends readonly string[] = readonly string[]> {
  /** The name; the output paths end in it. */
  readonly name: string;
  /** The platform to build on, e.g. `x86_64-linux`. */
  readonly system: string;
  /** The program to run: a path, often in another derivation (`` `${bash}/bin/bash` ``). */
  readonly builder: DerivationAttrValue;
  /** Arguments of the builder. */
  readonly args?: readonly DerivationAttrValue[];
  /** Output names; the first is the default output. Defaults to `["out"]`. */
  readonly outputs?: Outputs;
  /** Pass all attributes as JSON (`__json`, and `.attrs.json` at build time) instead of as strings. */
  readonly __structuredAttrs?: boolean;
  /** Leave out attributes whose value is `null`. */
  readonly __ignoreNulls?: boolean;
  /** Attributes passed to the builder in files (`<name>Path`) rather than environment variables. */
  readonly passAsFile?: readonly string[];
  /** For a fixed-output derivation: the expected hash of the output. `""` asks for the all-zero hash of `outputHashAlgo`. */
  readonly outputHash?: string;
  /** The algorithm of `outputHash` when it has no prefix. */
  readonly outputHashAlgo?: HashAlgorithm | "";
  /** `flat` (the default) hashes the output file; `recursive` hashes its NAR. */
  readonly outputHashMode?: FileIngestionMethod;
  /** Every other attribute becomes an environment variable of the builder. */
  readonly [attribute: string]: DerivationAttrValue;
}

/** One output of a derivation: `` `${d.outputs.dev}` `` is its path. */
export class DerivationOutput implements HasOwnContext {
  /** Marks this as a derivation output for code that receives unknown values. */
  readonly type = "derivation-output" as const;

  constructor(
    /** The derivation this output belongs to. */
    readonly derivation: Derivation,
    /** The output's name, e.g. `dev`. */
    readonly outputName: string,
    /**
     * The output's store path, for interpolation. It equals {@link DerivationOutput.path}
     * except for a fixed-output "twin", where invisible marks say which derivation it came from.
     */
    readonly outPath: string,
  ) {}

  /** The output's plain store path. */
  get path(): string {
    return stripContextMarks(this.outPath);
  }

  /** The `.drv` path of the derivation. */
  get drvPath(): string {
    return this.derivation.drvPath;
  }

  /** The output's store path, so that template literals interpolate it. */
  toString(): string {
    return this.outPath;
  }

  /** Adds this output to `context` and returns its plain path, as scanning {@link DerivationOutput.outPath} would. */
  [ADD_OWN_CONTEXT](context: StringContext, storeDir: string): string | undefined {
    if (storeDir !== this.derivation.storeDir) return undefined;
    context.addOutput(this.derivation, this.outputName);
    return this.path;
  }
}

/**
 * The prototype of every `outputs` object: empty and without a prototype of its own, so that no output name
 * meets an inherited property. (`Object.create(null)` itself would make each `outputs` a dictionary with a
 * shape of its own; objects made from a shared prototype share their shapes.)
 */
const OUTPUTS_PROTOTYPE: object = Object.freeze(Object.create(null) as object);

/** What `derivation()` gathered from the attributes (checked, coerced) to compute the paths from. */
interface PathInputs {
  readonly name: string;
  readonly gathered: Gathered;
  readonly context: StringContext;
}

/**
 * A derivation's paths (its `.drv` contents, `.drv` path, outputs and hash modulo its inputs: the
 * hashing, most of a derivation's cost), computed the first time one is read: Nix's `derivation`
 * returns its attributes with `drvPath` and `outPath` as thunks, so a package an overlay replaces
 * (read only to be overridden) is never hashed. Shared by a derivation and the copies made of it
 * (`Object.assign`, as `callPackage` makes them), so that it is computed once for all of them.
 *
 * What every derivation needs is kept as strings: the hash modulo as hex, each output's path as
 * strings interpolate it. The objects made of them (the `outputs` record and its {@link DerivationOutput}s,
 * the hash modulo as a map) are made when first read, which most derivations never are: a derivation is
 * kept to the end of the evaluation, and every object it keeps is copied by each garbage collection.
 */
class PendingPaths {
  /**
   * Once computed, this is the context entry of the `.drv` path too (what `kind`, `path` and `derivation`
   * are for): one object a derivation less.
   */
  readonly kind = "drv" as const;
  /** The `.drv` contents; `undefined` until computed. */
  drv: Drv | undefined = undefined;
  /** The `.drv` path. */
  path = "";
  /** The hash modulo of every output, as sha256 hex; `""` for a fixed-output derivation, whose {@link PendingPaths.hashModulo} is made at once. */
  hashModuloHex = "";
  /** The hash modulo as a map, made when first read (at once for a fixed-output derivation). */
  hashModulo: HashModulo | undefined = undefined;
  /** Each output's path as strings interpolate it (its marks, then the path), in the order of the output names; one output keeps the string alone. */
  outPaths: string | readonly string[] = "";
  /** The outputs by name, made when first read. */
  outputs: Readonly<Record<string, DerivationOutput>> | undefined = undefined;

  constructor(
    /** The derivation its context entries name (the one `derivation()` returned, not a copy). */
    readonly derivation: Derivation,
    /** What the paths are computed from, dropped once they are. */
    private inputs: PathInputs | undefined,
  ) {}

  /** Computes the paths; called only while {@link PendingPaths.drv} is `undefined`. */
  compute(): this {
    const { name, gathered, context } = this.inputs as PathInputs;
    const owner = this.derivation;
    const { storeDir } = owner;
    const { drv, drvPath, hashModulo, hashModuloHex } = derivationPaths(name, gathered, context, storeDir);
    this.inputs = undefined;
    this.path = drvPath;
    this.hashModulo = hashModulo;
    this.hashModuloHex = hashModuloHex;
    // From here on the paths count as computed: registering reads them (of an earlier entry at the same path, too).
    this.drv = drv;
    // Registering makes strings that mention these paths depend on this derivation.
    registerContextEntry(this, storeDir);
    const names = owner.outputNames;
    if (names.length === 1) {
      this.outPaths = registeredOutPath(owner, drv, names[0] as string, storeDir);
    } else {
      const outPaths = new Array<string>(names.length);
      for (let i = 0; i < names.length; i++) outPaths[i] = registeredOutPath(owner, drv, names[i] as string, storeDir);
      this.outPaths = outPaths;
    }
    return this;
  }

  /** The path output `index` (of the output names) interpolates as. */
  outPathAt(index: number): string {
    const outPaths = this.outPaths;
    return typeof outPaths === "string" ? (index === 0 ? outPaths : "") : (outPaths[index] ?? "");
  }

  /** The outputs by name, made the first time they are read. */
  outputsByName(): Readonly<Record<string, DerivationOutput>> {
    if (this.outputs !== undefined) return this.outputs;
    const owner = this.derivation;
    const outputs: Record<string, DerivationOutput> = Object.create(OUTPUTS_PROTOTYPE) as Record<string, DerivationOutput>;
    const names = owner.outputNames;
    for (let i = 0; i < names.length; i++) outputs[names[i] as string] = new DerivationOutput(owner, names[i] as string, this.outPathAt(i));
    this.outputs = Object.freeze(outputs);
    return this.outputs;
  }

  /** The hash modulo as a map, made the first time it is read. */
  hashModuloMap(): HashModulo {
    this.hashModulo ??= new UniformHashModulo((this.drv as Drv).outputs, this.hashModuloHex);
    return this.hashModulo;
  }
}

/** Registers output `outputName` of `owner` and returns the path strings interpolate it as: the marks it needs, then the path. */
function registeredOutPath(owner: Derivation, drv: Drv, outputName: string, storeDir: string): string {
  const path = drv.outputs.get(outputName)?.path ?? "";
  return registerContextEntry({ kind: "output", path, derivation: owner, output: outputName }, storeDir) + path;
}

/** Where a derivation keeps its {@link PendingPaths}: a symbol, so that copies carry it and listings of its attributes do not show it. */
const PATHS: unique symbol = Symbol("kiln.derivationPaths");

/**
 * The value of {@link derivation}: paths, outputs, and the `.drv` contents. The paths
 * are computed the first time `drvPath`, `outPath`, `outputs`, `drv` or `hashModulo` is read.
 */
export class Derivation<OutputName extends string = string> implements ContextDerivation, HasOwnContext {
  /** Marks this as a derivation for code that receives unknown values (`type = "derivation"` in Nix). */
  readonly type = "derivation" as const;
  /** @internal The paths, computed when first read. */
  readonly [PATHS]: PendingPaths;

  /** @internal Made by {@link derivation}, which checks the attributes first. */
  constructor(
    /** The derivation's name. */
    readonly name: string,
    /** Output names in the order given (the first is the default). */
    readonly outputNames: readonly OutputName[],
    /** The store directory the paths belong to. */
    readonly storeDir: string,
    /** The attributes it was made from, for introspection (`drvAttrs` in Nix). */
    readonly drvAttrs: Readonly<Record<string, unknown>>,
    inputs: PathInputs,
  ) {
    this[PATHS] = new PendingPaths(this as Derivation, inputs);
  }

  /** The store path of its `.drv` file. */
  get drvPath(): string {
    const paths = this[PATHS];
    return (paths.drv === undefined ? paths.compute() : paths).path;
  }

  /** The contents of its `.drv` file. */
  get drv(): Drv {
    const paths = this[PATHS];
    return (paths.drv === undefined ? paths.compute() : paths).drv as Drv;
  }

  /** Hash modulo, per output, used when other derivations depend on this one. */
  get hashModulo(): HashModulo {
    const paths = this[PATHS];
    return (paths.drv === undefined ? paths.compute() : paths).hashModuloMap();
  }

  /** Each output by name. */
  get outputs(): { readonly [Name in OutputName]: DerivationOutput } {
    const paths = this[PATHS];
    return (paths.drv === undefined ? paths.compute() : paths).outputsByName() as { readonly [Name in OutputName]: DerivationOutput };
  }

  /** The path of the first output (see {@link DerivationOutput.outPath}). */
  get outPath(): string {
    const paths = this[PATHS];
    // Read without making the outputs record: interpolating a derivation is what most derivations are used for.
    return (paths.drv === undefined ? paths.compute() : paths).outPathAt(0);
  }

  /** The exact text of the `.drv` file. */
  get aterm(): string {
    return printAterm(this.drv);
  }

  /** The path of the first output, so that `` `${d}` `` is what Nix's `"${d}"` is. */
  toString(): string {
    return this.outPath;
  }

  /**
   * Adds the first output to `context` and returns its plain path, as scanning
   * {@link Derivation.outPath} would; not for a copy whose `outPath` was replaced.
   */
  [ADD_OWN_CONTEXT](context: StringContext, storeDir: string): string | undefined {
    const first = this.outputNames[0];
    if (first === undefined || Object.hasOwn(this, "outPath")) return undefined;
    const paths = this[PATHS];
    const owner = (paths.drv === undefined ? paths.compute() : paths).derivation;
    // What the first output's `DerivationOutput` does, without making the outputs record.
    if (storeDir !== owner.storeDir) return undefined;
    context.addOutput(owner, first);
    return (paths.drv as Drv).outputs.get(first)?.path ?? "";
  }
}

/**
 * Whether `derivation`'s paths have been computed (its `.drv` contents hashed), which
 * happens the first time one of them is read: what an evaluation hashed, and what it
 * only made (a package an overlay replaced), as Nix leaves a `drvPath` never forced.
 */
export function derivationPathsComputed(derivation: Derivation): boolean {
  return derivation[PATHS].drv !== undefined;
}

/** Whether `value` is a {@link Derivation} (from any copy of `@kiln/core`). */
export function isDerivation(value: unknown): value is Derivation {
  if (typeof value !== "object" || value === null || (value as { type?: unknown }).type !== "derivation") return false;
  // One of ours (or a copy with its prototype) is a derivation without computing its paths; anything else must have a `.drv` path.
  return value instanceof Derivation || typeof (value as { drvPath?: unknown }).drvPath === "string";
}

const WHITESPACE = /[ \t\n\r]+/;

/** The state gathered while walking the attributes, before outputs are computed. */
interface Gathered {
  builder?: string;
  system?: string;
  outputHash?: string;
  outputHashAlgo?: string;
  outputHashMode?: FileIngestionMethod;
  outputs: readonly string[];
  /** The environment as names and values in turn, sorted by name as the `.drv` lists it (the walk visits names in that order). */
  readonly env: string[];
  args: readonly string[];
  readonly json: string[];
}

function checkOutputs(derivationName: string, names: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new DerivationError(`derivation '${derivationName}': duplicate derivation output '${name}'`);
    if (name === "drv") throw new DerivationError(`derivation '${derivationName}': invalid derivation output name 'drv'`);
    seen.add(name);
  }
  if (seen.size === 0) throw new DerivationError(`derivation '${derivationName}': derivation cannot have an empty set of outputs`);
  return [...names];
}

function readHashMode(derivationName: string, mode: string): FileIngestionMethod {
  if (mode === "recursive" || mode === "flat") return mode;
  throw new DerivationError(`derivation '${derivationName}': invalid value '${mode}' for 'outputHashMode' attribute (expected 'flat' or 'recursive')`);
}

function stringOf(value: unknown, site: CoercionSite): string {
  if (typeof value !== "string" && !(typeof value === "object" && value !== null && "outPath" in value)) {
    throw new DerivationError(`derivation '${site.derivationName}': attribute '${site.attribute}' must be a string`);
  }
  return coerceToString(value, site);
}

/** Like {@link stringOf}, but refusing store paths, as Nix's `forceStringNoCtx` does for structured attributes. */
function stringWithoutContext(value: unknown, site: CoercionSite): string {
  const context = new StringContext();
  const text = stringOf(value, { ...site, context });
  if (!context.isEmpty) {
    const example = [...context.sources.keys(), ...context.outputs.keys(), ...context.derivations.keys()][0];
    throw new DerivationError(`derivation '${site.derivationName}': attribute '${site.attribute}': the string '${text}' is not allowed to refer to a store path (such as '${example}')`);
  }
  return text;
}

/** The arguments of a derivation without any: one list every such derivation shares. */
const NO_ARGS: readonly string[] = Object.freeze([]);

/** The attribute names of the last {@link sortedNames} call, as `Object.keys` gave them, and sorted. */
let lastNames: readonly string[] = [];
let lastSorted: readonly string[] = [];

/**
 * The names of `attrs` sorted as Nix sorts them. Derivations come by the thousand with the same names in the
 * same order (one package function's, one module's): those of the last call are sorted once, and recognised by
 * comparing the names one by one (property names are internalised strings: comparing them compares pointers).
 */
function sortedNames(attrs: Readonly<Record<string, unknown>>): readonly string[] {
  const names = Object.keys(attrs);
  const last = lastNames;
  if (names.length === last.length) {
    let same = true;
    for (let i = 0; i < names.length && same; i++) same = names[i] === last[i];
    if (same) return lastSorted;
  }
  lastNames = names;
  lastSorted = sortUtf8(names.slice());
  return lastSorted;
}

/** The arguments of the last derivation that had any, frozen: shared with the next ones that have the same. */
let lastArgs: readonly string[] = NO_ARGS;

/**
 * `args`, or the equal list of the last derivation: derivations by the thousand have the same arguments
 * (every one of a builder's, `-e` and its script), and a derivation keeps them as long as it lives.
 */
function sharedArgs(args: string[]): readonly string[] {
  const last = lastArgs;
  if (args.length === last.length) {
    let same = true;
    for (let i = 0; i < args.length && same; i++) same = args[i] === last[i];
    if (same) return last;
  }
  lastArgs = Object.freeze(args);
  return lastArgs;
}

/** Walks the attributes in Nix's order (sorted names), filling environment, arguments and special fields. */
function gatherAttributes(attrs: Readonly<Record<string, unknown>>, derivationName: string, context: StringContext, storeDir: string): Gathered {
  const structured = attrs["__structuredAttrs"] === true;
  const ignoreNulls = attrs["__ignoreNulls"] === true;
  // The default outputs are one frozen list that every derivation shares.
  const gathered: Gathered = { outputs: singleOutput("out"), env: [], args: NO_ARGS, json: [] };
  // One site for every attribute, its name changed as the walk goes: coercions read it, none keeps it.
  const site: { -readonly [Key in keyof CoercionSite]: CoercionSite[Key] } = { derivationName, attribute: "", context, storeDir };
  for (const key of sortedNames(attrs)) {
    const value = attrs[key];
    if (key === "__ignoreNulls" || value === undefined || (ignoreNulls && value === null)) continue;
    site.attribute = key;
    if (key === "args") {
      if (!Array.isArray(value)) throw new DerivationError(`derivation '${derivationName}': attribute 'args' must be a list`);
      // Made at its final size: the derivation keeps it, and an array grown by push keeps spare room.
      const args = new Array<string>(value.length);
      for (let i = 0; i < value.length; i++) args[i] = coerceToString(value[i], site);
      gathered.args = sharedArgs(args);
      continue;
    }
    if (structured) {
      if (key === "__structuredAttrs") continue;
      gathered.json.push(`${nixJsonString(key)}:${coerceToJson(value, site)}`);
      if (key === "builder") gathered.builder = stringOf(value, site);
      else if (key === "system") gathered.system = stringWithoutContext(value, site);
      else if (key === "outputHash") gathered.outputHash = stringWithoutContext(value, site);
      else if (key === "outputHashAlgo") gathered.outputHashAlgo = stringWithoutContext(value, site);
      else if (key === "outputHashMode") gathered.outputHashMode = readHashMode(derivationName, stringWithoutContext(value, site));
      else if (key === "outputs") {
        if (!Array.isArray(value)) throw new DerivationError(`derivation '${derivationName}': attribute 'outputs' must be a list of strings`);
        gathered.outputs = checkOutputs(derivationName, value.map((name: unknown) => stringWithoutContext(name, site)));
      }
      continue;
    }
    const text = coerceToString(value, site);
    gathered.env.push(key, text);
    if (key === "builder") gathered.builder = text;
    else if (key === "system") gathered.system = text;
    else if (key === "outputHash") gathered.outputHash = text;
    else if (key === "outputHashAlgo") gathered.outputHashAlgo = text;
    else if (key === "outputHashMode") gathered.outputHashMode = readHashMode(derivationName, text);
    else if (key === "outputs") gathered.outputs = checkOutputs(derivationName, text.split(WHITESPACE).filter((name) => name !== ""));
  }
  if (structured) setEnv(gathered.env, "__json", `{${gathered.json.join(",")}}`);
  return gathered;
}

/**
 * Sets variable `name` of `env` (names and values in turn, sorted by name) to `value`, in its place
 * among the others, and returns where its value is.
 */
function setEnv(env: string[], name: string, value: string): number {
  let at = 0;
  while (at < env.length && compareUtf8(env[at] as string, name) < 0) at += 2;
  if (env[at] === name) env[at + 1] = value;
  else env.splice(at, 0, name, value);
  return at + 1;
}

/**
 * Resolves the collected context into `inputDrvs` and `inputSrcs`, as `derivationStrict` does.
 * The input derivations come sorted, as the `.drv` file lists them.
 */
function resolveInputs(context: StringContext, storeDir: string): { inputDrvs: CompactMap<readonly string[]>; inputSrcs: ReadonlySet<string> } {
  // Nearly always only outputs are used: their names are already gathered per input, with nothing to merge.
  if (context.derivations.size === 0) {
    const count = context.outputCount;
    const pairs = new Array<string | readonly string[]>(count * 2);
    for (let i = 0; i < count; i++) {
      const names = context.outputNamesAt(i);
      pairs[2 * i] = context.outputPathAt(i);
      // One output (the usual case) is a list shared by every derivation already.
      pairs[2 * i + 1] = names.length === 1 ? names : sortUtf8([...names]);
    }
    // Paths in the order found; the printer walks them sorted.
    const inputDrvs = CompactMap.ofPairs(pairs).sortedByName();
    return { inputDrvs, inputSrcs: context.sources.size === 0 ? NO_PATHS : new Set(context.sources.keys()) };
  }
  const inputSrcs = new Set<string>(context.sources.keys());
  const inputDrvs = inputsWithClosures(context, inputSrcs, storeDir);
  const sorted = new Map<string, readonly string[]>();
  for (const path of sortUtf8([...inputDrvs.keys()])) sorted.set(path, outputList(inputDrvs.get(path) as ReadonlySet<string>));
  return { inputDrvs: CompactMap.of(sorted), inputSrcs };
}

/** The output names of an input, sorted: one output (the usual case) is a list shared by every derivation. */
function outputList(names: ReadonlySet<string>): readonly string[] {
  return names.size === 1 ? singleOutput(names.values().next().value as string) : sortUtf8([...names]);
}

const NO_PATHS: ReadonlySet<string> = new Set();

/** The input derivations when `.drv` paths were used as strings: each brings its whole closure into `inputSrcs` too. */
function inputsWithClosures(context: StringContext, inputSrcs: Set<string>, storeDir: string): Map<string, ReadonlySet<string>> {
  const inputDrvs = new Map<string, Set<string>>();
  const addOutputs = (drvPath: string, names: Iterable<string>): void => {
    let known = inputDrvs.get(drvPath);
    if (known === undefined) inputDrvs.set(drvPath, (known = new Set()));
    for (const name of names) known.add(name);
  };
  for (const [drvPath, { names }] of context.outputs) addOutputs(drvPath, names);
  // A `.drv` path used as a string brings its whole closure: every path in it is
  // a source, and every derivation in it is an input with all its outputs.
  const pending = [...context.derivations.keys()];
  const visited = new Set<string>();
  while (pending.length > 0) {
    const path = pending.pop() as string;
    if (visited.has(path)) continue;
    visited.add(path);
    inputSrcs.add(path);
    const entry = lookupContextEntry(path, storeDir);
    if (entry?.kind === "drv") {
      const drv = entry.derivation.drv;
      addOutputs(path, drv.outputs.keys());
      pending.push(...drv.inputSrcs, ...drv.inputDrvs.keys());
    } else if (entry?.kind === "source") {
      pending.push(...entry.references);
    }
  }
  return inputDrvs;
}

const NO_SOURCES: readonly string[] = Object.freeze([]);

/** An output of a derivation whose masked hash is still being computed: every output's path is `""`. */
const NO_OUTPUT_PATH: DrvOutput = Object.freeze({ path: "", hashAlgo: "", hash: "" });


function inputHashModulo(drvPath: string, storeDir: string, context?: StringContext): HashModulo {
  // The context found the input derivation already: no need to look its path up again.
  const known = context?.outputDerivation(drvPath) ?? context?.derivations.get(drvPath);
  if (known !== undefined) return hashModuloOf(known);
  const entry = lookupContextEntry(drvPath, storeDir);
  if (entry?.kind !== "drv") throw new KilnError(`internal error: input derivation '${drvPath}' is not known to this process`);
  return hashModuloOf(entry.derivation);
}

/**
 * The hash modulo of an input, for hashing a dependent: of one of this module's derivations, a map made for
 * the purpose (and collected with it) from the hex it keeps, not the one its `hashModulo` makes and keeps.
 */
function hashModuloOf(input: ContextDerivation): HashModulo {
  if (!(input instanceof Derivation)) return input.hashModulo;
  const paths = (input as Derivation)[PATHS];
  if (paths.drv === undefined) paths.compute();
  return paths.hashModulo ?? new UniformHashModulo((paths.drv as Drv).outputs, paths.hashModuloHex);
}

function fixedOutput(name: string, gathered: Gathered, storeDir: string): CompactMap<DrvOutput> {
  const outputHash = gathered.outputHash as string;
  if (gathered.outputs.length !== 1 || gathered.outputs[0] !== "out") {
    throw new DerivationError(`derivation '${name}': multiple outputs are not supported in fixed-output derivations`);
  }
  const algorithm = gathered.outputHashAlgo !== undefined && isHashAlgorithm(gathered.outputHashAlgo) ? gathered.outputHashAlgo : undefined;
  let hash;
  try {
    hash = parseHashAllowEmpty(outputHash, algorithm);
  } catch (error) {
    throw new DerivationError(`derivation '${name}': attribute 'outputHash': ${error instanceof Error ? error.message : String(error)}`);
  }
  if (outputHash === "") reportWarning(`found empty hash, assuming '${hash.toSri()}'`);
  const method = gathered.outputHashMode ?? "flat";
  const path = makeFixedOutputPath(method, hash, name, storeDir);
  setEnv(gathered.env, "out", path);
  return CompactMap.ofPairs<DrvOutput>(["out", { path, hashAlgo: `${method === "recursive" ? "r:" : ""}${hash.algorithm}`, hash: hash.toBase16() }]);
}

/**
 * Makes a derivation, as `builtins.derivation` does, with the same `.drv`
 * bytes and store paths Nix computes for the same attributes.
 *
 * @example
 * const hello = derivation({ name: "hello", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo hi > $out"] });
 * `${hello}` // "/nix/store/…-hello"
 */
export function derivation<const Outputs extends readonly string[] = readonly ["out"]>(attrs: DerivationAttrs<Outputs>): Derivation<Outputs[number]> {
  noteDerivationForProfile();
  const storeDir = getStoreDir();
  const record = attrs as Readonly<Record<string, unknown>>;
  const rawName = record["name"];
  if (typeof rawName !== "string") {
    throw new DerivationError(rawName === undefined ? "derivation: required attribute 'name' missing" : "derivation: attribute 'name' must be a string");
  }
  const name = rawName;
  if (name.endsWith(".drv")) throw new DerivationError(`derivation '${name}': derivation names are not allowed to end in '.drv'`);
  const nameProblem = storePathNameProblem(name);
  if (nameProblem !== undefined) throw new DerivationError(`invalid derivation name ${JSON.stringify(name)}: ${nameProblem}`);

  const context = new StringContext();
  const gathered = gatherAttributes(record, name, context, storeDir);
  if (gathered.builder === undefined || gathered.builder === "") throw new DerivationError(`derivation '${name}': required attribute 'builder' missing`);
  if (gathered.system === undefined || gathered.system === "") throw new DerivationError(`derivation '${name}': required attribute 'system' missing`);
  for (const output of gathered.outputs) {
    // Output `out`'s path name is the derivation's, checked above.
    if (output === "out") continue;
    const problem = storePathNameProblem(outputPathName(name, output));
    if (problem !== undefined) throw new DerivationError(`derivation '${name}': invalid output name '${output}': ${problem}`);
  }

  const outputNames = gathered.outputs as Outputs[number][];
  const made = new Derivation<Outputs[number]>(name, outputNames, storeDir, attrs, { name, gathered, context });
  // A fixed-output derivation (a fetcher's) is computed at once: its hash is checked here, as it always was.
  if (gathered.outputHash !== undefined) made[PATHS].compute();
  return made;
}

/**
 * The `.drv` contents, path and hash modulo of a derivation whose attributes are gathered (and checked):
 * the hash modulo as hex if it is the same for every output, else (fixed-output) as a map.
 */
function derivationPaths(
  name: string,
  gathered: Gathered,
  context: StringContext,
  storeDir: string,
): { drvPath: string; drv: Drv; hashModulo: HashModulo | undefined; hashModuloHex: string } {
  const { inputDrvs, inputSrcs } = resolveInputs(context, storeDir);
  // Most derivations have no sources: they share one empty list.
  const sources = inputSrcs.size === 0 ? NO_SOURCES : [...inputSrcs];
  const { system, builder, args } = gathered as Gathered & { system: string; builder: string };
  let drv: Drv;
  let aterm: string;
  let hashModulo: HashModulo | undefined;
  let hashModuloHex = "";
  if (gathered.outputHash !== undefined) {
    const outputs = fixedOutput(name, gathered, storeDir);
    drv = { outputs, inputDrvs, inputSrcs: sources, system, builder, args, env: CompactMap.ofPairs(gathered.env.slice()) };
    aterm = printAterm(drv);
    hashModulo = hashDerivationModulo(drv, (input) => inputHashModulo(input, storeDir), false);
  } else {
    // The derivation's maps are made once, at their final size, and kept: only the output paths change, in place,
    // once the masked hash gives them. One printer sorts and escapes the derivation once for its three ATerms:
    // masked (for the output paths), final (the .drv file) and modulo its inputs (for dependents).
    const env = gathered.env;
    const names = gathered.outputs;
    const outputPairs = new Array<string | DrvOutput>(names.length * 2);
    for (let i = 0; i < names.length; i++) {
      outputPairs[2 * i] = names[i] as string;
      outputPairs[2 * i + 1] = NO_OUTPUT_PATH;
      setEnv(env, names[i] as string, "");
    }
    // Kept at its exact size: the array grown by the walk has room to spare.
    const envPairs = env.slice();
    drv = { outputs: CompactMap.ofPairs(outputPairs), inputDrvs, inputSrcs: sources, system, builder, args, env: CompactMap.ofPairs(envPairs) };
    // Its maps are sorted already, and its output paths spelled from checked names: nothing in them to escape.
    const printer = new AtermPrinter(drv, true);
    const inputs = inputsModulo(drv, (drvPath: string): HashModulo => inputHashModulo(drvPath, storeDir, context));
    const maskedHex = hashHexWithInputsModulo(inputs, true, printer);
    for (let i = 0; i < names.length; i++) {
      const output = names[i] as string;
      // Each output's path name was checked above.
      const path = outputPathFromHex(output, maskedHex, name, storeDir);
      outputPairs[2 * i + 1] = { path, hashAlgo: "", hash: "" };
      // Found again: setting a later output's variable moved the earlier ones'.
      setEnv(envPairs, output, path);
    }
    aterm = printer.print();
    // Dependents hash this derivation modulo its inputs: reuse the inputs' hashes already gathered.
    hashModuloHex = hashHexWithInputsModulo(inputs, false, printer);
  }
  // The name was checked (and does not end in `.drv`): with `.drv` it is valid too, unless too long.
  const drvName = `${name}.drv`;
  const drvPath = (drvName.length <= STORE_PATH_NAME_MAX_LENGTH ? textPathOfValidName : computeTextPath)(drvName, aterm, inputSrcs.size === 0 ? inputDrvs.names() : [...inputSrcs, ...inputDrvs.names()], storeDir);
  return { drvPath, drv, hashModulo, hashModuloHex };
}

/** The derivation with `.drv` path `drvPath` made in this process, if any. */
export function findDerivation(drvPath: string, storeDir: string = getStoreDir()): Derivation | undefined {
  const entry = lookupContextEntry(drvPath, storeDir);
  return entry?.kind === "drv" && entry.path === drvPath && isDerivation(entry.derivation) ? entry.derivation : undefined;
}
