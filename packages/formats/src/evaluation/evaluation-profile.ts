/**
 * `--profile`: where evaluating a config spends its time, and where its
 * derivations are made, per file of the config (a module, say) and per
 * package it uses, as a profiler's top list. NixOS users find the module
 * that makes their configuration slow by bisecting by hand (Nix's
 * `--eval-profiler` came late and counts Nix's own frames); here V8's
 * sampling profiler runs while the config is evaluated, and each sample is
 * charged to the innermost frame in the user's own files (mapped back
 * through the bundle's source map), else to the package whose code ran.
 * Time in Kiln's code on a file's behalf (making its derivations) is that
 * file's.
 */
import { fileURLToPath } from "node:url";
import { isConfigBundle, originalFileInBundle } from "../source/bundle-source-maps.js";
import { packageOfFile } from "../source/source-location.js";

/** One line of a profile: a file of the config, or a package. */
export interface ProfileEntry {
  /** The file's absolute path, or the package's name. */
  readonly where: string;
  /** `file` for the config's own files, `package` for a package's code. */
  readonly kind: "file" | "package";
  /** Time charged to it, in milliseconds. */
  readonly milliseconds: number;
  /** Derivations made in it (or by Kiln on its behalf). */
  readonly derivations: number;
}

/** What {@link profileEvaluation} found. */
export interface EvaluationProfile {
  /** The whole evaluation's time, in milliseconds. */
  readonly milliseconds: number;
  /** Every derivation made. */
  readonly derivations: number;
  /** Each file and package, most time first. */
  readonly entries: readonly ProfileEntry[];
}

interface Place {
  readonly where: string;
  readonly kind: "file" | "package";
}

interface ProfileState {
  readonly derivations: Map<string, { place: Place; count: number }>;
  total: number;
}

const KEY = Symbol.for("kiln.core.evaluationProfile");

interface ProfileHolder {
  [KEY]?: ProfileState;
}

/** The place a frame's code (a file URL or path, 1-based line and column) belongs to: a config file, a package, or neither (Node's own). */
function placeOf(url: string, line: number, column: number, user: boolean): Place | undefined {
  if (url === "" || url.startsWith("node:")) return undefined;
  let file: string;
  try {
    file = url.startsWith("file:") ? fileURLToPath(url.replace(/\?.*$/, "")) : url;
  } catch {
    return undefined;
  }
  if (isConfigBundle(file)) {
    const original = originalFileInBundle(file, line, column);
    return user && original !== undefined && !original.includes("/node_modules/") ? { where: original, kind: "file" } : undefined;
  }
  if (user) return undefined;
  const name = packageOfFile(file);
  return name === undefined ? undefined : { where: name, kind: "package" };
}

/** The innermost user file among `frames` (innermost first), else the innermost package. */
function charge(frames: readonly { url: string; line: number; column: number }[]): Place | undefined {
  for (const frame of frames) {
    const place = placeOf(frame.url, frame.line, frame.column, true);
    if (place !== undefined) return place;
  }
  for (const frame of frames) {
    const place = placeOf(frame.url, frame.line, frame.column, false);
    if (place !== undefined) return place;
  }
  return undefined;
}

/** Called by `derivation()`: while a profile is taken, charges the derivation to where it was made. */
export function noteDerivationForProfile(): void {
  const state = (globalThis as ProfileHolder)[KEY];
  if (state === undefined) return;
  state.total++;
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[];
  try {
    Error.stackTraceLimit = 64;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    sites = new Error().stack as unknown as NodeJS.CallSite[];
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
  const place = charge(sites.map((site) => ({ url: site.getFileName() ?? "", line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0 })));
  if (place === undefined) return;
  const key = `${place.kind}\0${place.where}`;
  const known = state.derivations.get(key);
  if (known !== undefined) known.count++;
  else state.derivations.set(key, { place, count: 1 });
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
  readonly children?: readonly number[];
}

/** Charges each sample of a V8 CPU profile to a place; returns milliseconds per place key. */
function chargeSamples(profile: { nodes: readonly ProfileNode[]; samples?: readonly number[]; timeDeltas?: readonly number[] }, places: Map<string, Place>): Map<string, number> {
  const parents = new Map<number, number>();
  const nodes = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    nodes.set(node.id, node);
    for (const child of node.children ?? []) parents.set(child, node.id);
  }
  const charged = new Map<number, string | null>();
  const placeOfNode = (id: number): string | null => {
    const known = charged.get(id);
    if (known !== undefined) return known;
    const frames: { url: string; line: number; column: number }[] = [];
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const frame = nodes.get(current)?.callFrame;
      if (frame !== undefined) frames.push({ url: frame.url, line: frame.lineNumber + 1, column: frame.columnNumber + 1 });
    }
    const place = charge(frames);
    const key = place === undefined ? null : `${place.kind}\0${place.where}`;
    if (place !== undefined && key !== null) places.set(key, place);
    charged.set(id, key);
    return key;
  };
  const times = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, index) => {
    const key = placeOfNode(id);
    if (key === null) return;
    times.set(key, (times.get(key) ?? 0) + (deltas[index] ?? 0) / 1000);
  });
  return times;
}

/**
 * Runs `evaluate` (the evaluation of a config) under V8's sampling profiler
 * and returns its value and the profile: time and derivations per file of
 * the config and per package.
 */
export async function profileEvaluation<T>(evaluate: () => Promise<T>): Promise<{ readonly value: T; readonly profile: EvaluationProfile }> {
  const { Session } = await import("node:inspector");
  const session = new Session();
  session.connect();
  const post = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  const state: ProfileState = { derivations: new Map(), total: 0 };
  const holder = globalThis as ProfileHolder;
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 200 });
  await post("Profiler.start");
  holder[KEY] = state;
  const started = performance.now();
  let value: T;
  let raw: { profile: { nodes: readonly ProfileNode[]; samples?: readonly number[]; timeDeltas?: readonly number[] } };
  try {
    value = await evaluate();
  } finally {
    delete holder[KEY];
    raw = (await post("Profiler.stop")) as typeof raw;
    session.disconnect();
  }
  const milliseconds = performance.now() - started;
  const places = new Map<string, Place>();
  const times = chargeSamples(raw.profile, places);
  for (const [key, { place }] of state.derivations) places.set(key, place);
  const entries = [...places].map(([key, place]) => ({ ...place, milliseconds: times.get(key) ?? 0, derivations: state.derivations.get(key)?.count ?? 0 }));
  entries.sort((left, right) => right.milliseconds - left.milliseconds || right.derivations - left.derivations || left.where.localeCompare(right.where));
  return { value, profile: { milliseconds, derivations: state.total, entries } };
}

/** A profile as a top list of at most `top` lines, files shown relative to `directory` when inside it. */
export function formatEvaluationProfile(profile: EvaluationProfile, top = 20, directory = process.cwd()): string {
  const lines = [`evaluation profile: ${profile.milliseconds.toFixed(0)} ms, ${profile.derivations} derivations`, `${"ms".padStart(8)} ${"%".padStart(6)} ${"derivations".padStart(12)}  where`];
  for (const entry of profile.entries.slice(0, top)) {
    const share = profile.milliseconds > 0 ? (100 * entry.milliseconds) / profile.milliseconds : 0;
    const where = entry.kind === "file" && entry.where.startsWith(`${directory}/`) ? entry.where.slice(directory.length + 1) : entry.where;
    lines.push(`${entry.milliseconds.toFixed(0).padStart(8)} ${`${share.toFixed(1)}%`.padStart(6)} ${String(entry.derivations).padStart(12)}  ${entry.kind === "package" ? `package ${where}` : where}`);
  }
  if (profile.entries.length > top) lines.push(`(${profile.entries.length - top} more)`);
  return `${lines.join("\n")}\n`;
}
