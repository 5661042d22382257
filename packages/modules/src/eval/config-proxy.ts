/**
 * The lazy `config` and `options` objects.
 *
 * `config` is a Proxy: reading `config.a.b` resolves the path against the
 * evaluation's option tree at that moment and merges only the option found
 * there (memoised). Prefixes are Proxies too, so `const cfg =
 * config.services.foo` reads nothing. `Object.keys`, spreading and
 * `JSON.stringify` list the declared names (and freeform attributes), which
 * also makes deep equality in tests work. The objects are read-only.
 */
import { Option } from "../options/option.js";
import type { Evaluation } from "./evaluation.js";
import type { OptionNode } from "./option-tree.js";
import { extendPath } from "../options/extend-path.js";

/** What a proxy resolves against. */
export interface ProxyHost {
  /** The evaluation to read from now (provisional while modules are being collected). */
  evaluation(): Evaluation;
  /** Whether reads first run the undeclared-option check (results given to callers), as NixOS's `checked`. */
  readonly checked: boolean;
  /** What reading a missing path gives (or throws). */
  missing(path: readonly string[]): unknown;
}

const configCache = new WeakMap<ProxyHost, Map<string, object>>();
const rootConfigs = new WeakMap<ProxyHost, object>();
const optionsCache = new WeakMap<ProxyHost, Map<string, object>>();
const optionViews = new WeakMap<Evaluation, WeakMap<OptionNode, Option>>();

function cached(cache: WeakMap<ProxyHost, Map<string, object>>, host: ProxyHost, path: readonly string[], create: () => object): object {
  let byPath = cache.get(host);
  if (byPath === undefined) {
    byPath = new Map();
    cache.set(host, byPath);
  }
  const key = path.join("\u0000");
  let proxy = byPath.get(key);
  if (proxy === undefined) {
    proxy = create();
    byPath.set(key, proxy);
  }
  return proxy;
}

function prefixNames(evaluation: Evaluation, path: readonly string[]): string[] {
  const resolution = evaluation.resolve(path);
  if (resolution.kind !== "prefix") return [];
  const names = evaluation.namesAt(resolution.node);
  return path.length === 0 ? names.filter((name) => name !== "_module") : names;
}

function readOnlyTraps(get: (name: string) => unknown, names: () => string[], has: (name: string) => boolean): ProxyHandler<object> {
  return {
    get: (_target, name) => (typeof name === "symbol" ? undefined : get(name)),
    has: (_target, name) => typeof name === "string" && has(name),
    ownKeys: () => names(),
    getOwnPropertyDescriptor: (_target, name) => (typeof name === "string" && has(name) ? { value: get(name), writable: false, enumerable: true, configurable: true } : undefined),
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  };
}

/** The lazy config object at `path` of `host`'s evaluation. */
export function configProxy(host: ProxyHost, path: readonly string[]): object {
  // The root apart: it is nearly the only one asked for this way (prefixes below are kept by their parent proxy), and a map by
  // path for it alone was one more map per submodule value.
  if (path.length === 0) {
    let root = rootConfigs.get(host);
    if (root === undefined) {
      root = makeConfigProxy(host, path);
      rootConfigs.set(host, root);
    }
    return root;
  }
  return cached(configCache, host, path, () => makeConfigProxy(host, path));
}

/**
 * What a config proxy knows, kept in its Proxy target so that all config
 * proxies share one handler (there is one per prefix of every evaluation).
 * The target's own properties are never seen: every operation is trapped.
 */
interface ConfigTarget {
  readonly host: ProxyHost;
  readonly path: readonly string[];
  /** Proxies of child prefixes, so walking `config.a.b.c` allocates nothing after the first time. */
  children: Map<string, object> | undefined;
  /** The names at this prefix in the evaluation they were listed for (fixed per evaluation); a set of them only when there are many. */
  names: ConfigNames | undefined;
  /**
   * The last value read below this prefix from a final evaluation, and its
   * name and evaluation: the evaluation memoises every option's value (and
   * the freeform value) once merged, so reading it again at once
   * (`JSON.stringify` and `Object.keys` read each attribute twice in a row,
   * through the descriptor and the value) needs no lookup. One value rather
   * than a map of every value read: a printer reads each once, and a map per
   * prefix of a large configuration outweighed what it saved. Provisional
   * evaluations are never remembered: their reads are recorded for
   * verification.
   */
  lastEvaluation: Evaluation | undefined;
  lastName: string | undefined;
  lastValue: unknown;
}

/** Every config proxy, to its target (see {@link configAttributeNames}). */
const configTargets = new WeakMap<object, ConfigTarget>();

function makeConfigProxy(host: ProxyHost, path: readonly string[]): object {
  const target: ConfigTarget = { host, path, children: undefined, names: undefined, lastEvaluation: undefined, lastName: undefined, lastValue: undefined };
  const proxy = new Proxy(target, configTraps);
  configTargets.set(proxy, target);
  return proxy;
}

/**
 * The names `Object.keys` lists for a lazy `config` object (at the root or
 * a prefix), in the same order, or `undefined` for any other value. Asked
 * directly, where `Object.keys` of a Proxy asks for a property descriptor
 * of every name, a call into the engine's runtime and a value merged and
 * wrapped for each: a printer of large configurations (`kiln eval --json`)
 * lists every prefix of the configuration. The list is not to be changed.
 */
export function configAttributeNames(value: unknown): readonly string[] | undefined {
  const target = typeof value === "object" && value !== null ? configTargets.get(value) : undefined;
  return target === undefined ? undefined : configNames(target).list;
}

function currentEvaluation(target: ConfigTarget): Evaluation {
  const current = target.host.evaluation();
  if (target.host.checked) current.ensureChecked();
  return current;
}

function configGet(target: ConfigTarget, name: string): unknown {
  const known = target.children?.get(name);
  if (known !== undefined) return known;
  const evaluation = currentEvaluation(target);
  if (target.lastName === name && target.lastEvaluation === evaluation) return target.lastValue;
  const childPath = extendPath(target.path, name);
  const resolution = evaluation.resolve(childPath);
  switch (resolution.kind) {
    case "value":
    case "freeform":
      return remember(target, evaluation, name, resolution.value);
    case "prefix": {
      const child = makeConfigProxy(target.host, childPath);
      (target.children ??= new Map()).set(name, child);
      return child;
    }
    case "missing":
      // Missing in a final evaluation stays missing: its options are fixed and its freeform value is memoised.
      return remember(target, evaluation, name, target.host.missing(childPath));
  }
}

function remember(target: ConfigTarget, evaluation: Evaluation, name: string, value: unknown): unknown {
  if (!evaluation.partial) {
    target.lastEvaluation = evaluation;
    target.lastName = name;
    target.lastValue = value;
  }
  return value;
}

interface ConfigNames {
  readonly evaluation: Evaluation;
  readonly list: string[];
  readonly set: ReadonlySet<string> | undefined;
}

/** Up to this many names are searched in their list: a set for each prefix of every submodule would outweigh its options. */
const NAMES_WITHOUT_SET = 16;

function configNames(target: ConfigTarget): ConfigNames {
  const evaluation = currentEvaluation(target);
  if (target.names?.evaluation !== evaluation) {
    const list = prefixNames(evaluation, target.path);
    target.names = { evaluation, list, set: list.length > NAMES_WITHOUT_SET ? new Set(list) : undefined };
  }
  return target.names;
}

function hasConfigName(target: ConfigTarget, name: string): boolean {
  const names = configNames(target);
  return names.set === undefined ? names.list.includes(name) : names.set.has(name);
}

const configTraps: ProxyHandler<ConfigTarget> = {
  get: (target, name) => (typeof name === "symbol" ? undefined : configGet(target, name)),
  has: (target, name) => typeof name === "string" && hasConfigName(target, name),
  // The engine copies the trap's result into a new list: the kept list is never handed out.
  ownKeys: (target) => configNames(target).list,
  getOwnPropertyDescriptor: (target, name) =>
    typeof name === "string" && hasConfigName(target, name) ? { value: configGet(target, name), writable: false, enumerable: true, configurable: true } : undefined,
  // The target holds the proxy's state, not config: it must not show through.
  getPrototypeOf: () => Object.prototype,
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
};

function optionView(evaluation: Evaluation, node: OptionNode): Option {
  let views = optionViews.get(evaluation);
  if (views === undefined) {
    views = new WeakMap();
    optionViews.set(evaluation, views);
  }
  let view = views.get(node);
  if (view === undefined) {
    const record = node.record;
    view = new Option({
      value: () => evaluation.valueOf(node),
      finalDefinitions: () => evaluation.merged(node).definitionsFinal,
      highestPriority: () => evaluation.merged(node).highestPriority,
      declarations: record.declarations,
      declaration: record.declaration as unknown as Readonly<Record<string, unknown>>,
      type: record.type,
      loc: node.loc,
    });
    views.set(node, view);
  }
  return view;
}

/** The `options` tree at `path`: {@link Option} objects at options, nested objects at prefixes. */
export function optionsProxy(host: ProxyHost, path: readonly string[]): object {
  return cached(optionsCache, host, path, () => {
    const evaluation = (): Evaluation => {
      const current = host.evaluation();
      if (host.checked) current.ensureChecked();
      return current;
    };
    const nodeAt = (current: Evaluation, childPath: readonly string[]): OptionNode | undefined => {
      let node: OptionNode | undefined = current.root;
      for (const name of childPath) {
        node = node.childNamed(name);
        if (node === undefined) return undefined;
      }
      return node;
    };
    const get = (name: string): unknown => {
      const current = evaluation();
      const childPath = extendPath(path, name);
      const node = nodeAt(current, childPath);
      current.noteRead(childPath, node?.isOption === true ? "value" : "prefix");
      if (node === undefined) return undefined;
      return node.isOption ? optionView(current, node) : optionsProxy(host, childPath);
    };
    const names = (): string[] => {
      const node = nodeAt(evaluation(), path);
      return node === undefined ? [] : [...node.childNames()];
    };
    return new Proxy({}, readOnlyTraps(get, names, (name) => names().includes(name)));
  });
}
