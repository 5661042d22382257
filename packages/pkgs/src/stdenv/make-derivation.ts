/**
 * `stdenv.mkDerivation`: nixpkgs' way of declaring a package (`pname`,
 * `version`, `src`, `patches`, inputs, phases, `passthru`, `meta`) turned
 * into a core `derivation()` whose builder is bash running the stdenv's
 * setup script (`source $stdenv/setup; genericBuild`).
 *
 * The attributes go to the derivation as nixpkgs sends them: lists joined by
 * spaces, `true` as `"1"`, packages as their paths (a package with a `dev`
 * output as that output, in inputs), `env` merged in, and `passthru`,
 * `meta` and the Kiln-only attributes left out.
 */
import { derivation, isDerivation, type Derivation, type DerivationAttrValue } from "@kiln/formats";
import { FixpointError, PackageAttributeError } from "../errors.js";
import { checkMeta, type Meta } from "../meta.js";
import { shippedFile } from "../shipped-files.js";
import { fixAttrs, type AttrsLayer } from "./attrs-fixpoint.js";
import { checkPassthruKey, type AttrsUpdate, type FinalAttrs, type MkDerivation, type MkDerivationAttrs, type NoPassthru, type Package, type StdenvLike } from "./package.js";

/** How to make a package again: its stdenv, its attribute layers, and how `override` re-calls it. */
export interface PackageRecipe {
  readonly stdenv: StdenvLike;
  readonly layers: readonly AttrsLayer[];
  /** Set by `callPackage`: the package made with other arguments. */
  readonly override?: ((update: object) => object) | undefined;
}

/** What a package object keeps about itself. */
interface PackageInternals {
  readonly recipe: PackageRecipe;
  readonly finalAttrs: Readonly<Record<string, unknown>>;
  readonly derivation: Derivation;
  /** The package object `finalAttrs.finalPackage` gives: the latest made from these internals. */
  readonly latest: { current: object | undefined };
}

const INTERNALS = Symbol("kiln.pkgs.packageInternals");

/** Attributes that never reach the derivation. */
const NOT_IN_DERIVATION = new Set(["passthru", "meta", "env", "realBuilder", "builder", "args", "checkInputs", "nativeCheckInputs", "finalPackage", "pos"]);

/** Attributes holding lists of dependencies. */
const INPUT_LISTS = new Set(["nativeBuildInputs", "buildInputs", "propagatedBuildInputs", "propagatedNativeBuildInputs", "checkInputs", "nativeCheckInputs", "depsBuildBuild", "depsTargetTarget"]);

/** A dependency as inputs use it: a package with a `dev` output gives that output, as nixpkgs does. */
function chooseDevOutput(value: unknown): unknown {
  if (isDerivation(value) && value.outputNames.includes("dev")) return value.outputs["dev"];
  return value;
}

/** Checks and flattens an input list: nested lists are flattened, `null` and `false` dropped, `undefined` refused. */
function normaliseInputs(packageName: string, attribute: string, value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new PackageAttributeError(`package '${packageName}': '${attribute}' must be a list of packages`);
  const result: unknown[] = [];
  const visit = (items: readonly unknown[], path: string): void => {
    items.forEach((item, index) => {
      const where = `${path}[${index}]`;
      if (Array.isArray(item)) visit(item, where);
      else if (item === null || item === false) return;
      else if (item === undefined) {
        throw new PackageAttributeError(`package '${packageName}': ${where} is undefined (a misspelt package, or a callPackage argument missing from the package set?)`);
      } else result.push(chooseDevOutput(item));
    });
  };
  visit(value, attribute);
  return result;
}

/** The package's name: `name`, or `${pname}-${version}`. */
function packageName(attrs: Readonly<Record<string, unknown>>): string {
  const { name, pname, version } = attrs;
  if (typeof name === "string") return name;
  if (name !== undefined) throw new PackageAttributeError("mkDerivation: 'name' must be a string");
  if (typeof pname !== "string") throw new PackageAttributeError("mkDerivation: give 'name', or 'pname' (and 'version')");
  if (version === undefined || version === null) return pname;
  if (typeof version !== "string") throw new PackageAttributeError(`package '${pname}': 'version' must be a string`);
  return `${pname}-${version}`;
}

/** The attributes of the derivation: everything but `passthru`, `meta` and Kiln's own, with `env` merged in. */
function derivationAttributes(final: Readonly<Record<string, unknown>>, stdenv: StdenvLike): Record<string, DerivationAttrValue> {
  const name = packageName(final);
  const doCheck = final["doCheck"] ?? stdenv.config.doCheckByDefault ?? false;
  const attrs: Record<string, unknown> = {};
  for (const key of Object.keys(final)) {
    if (NOT_IN_DERIVATION.has(key)) continue;
    const value = final[key];
    attrs[key] = INPUT_LISTS.has(key) ? normaliseInputs(name, key, value) : value;
  }
  if (doCheck === true) {
    attrs["nativeBuildInputs"] = [...((attrs["nativeBuildInputs"] as unknown[] | undefined) ?? []), ...normaliseInputs(name, "nativeCheckInputs", final["nativeCheckInputs"])];
    attrs["buildInputs"] = [...((attrs["buildInputs"] as unknown[] | undefined) ?? []), ...normaliseInputs(name, "checkInputs", final["checkInputs"])];
  }
  const env = final["env"];
  if (env !== undefined && env !== null) {
    if (typeof env !== "object" || Array.isArray(env)) throw new PackageAttributeError(`package '${name}': 'env' must be an object of environment variables`);
    for (const [key, value] of Object.entries(env)) {
      if (key in attrs) throw new PackageAttributeError(`package '${name}': '${key}' is given both as an attribute and in 'env'; keep one`);
      if (Array.isArray(value) || (typeof value === "object" && value !== null && !("outPath" in value))) {
        throw new PackageAttributeError(`package '${name}': env.${key} must be a string, number, boolean or package, not a list or object`);
      }
      attrs[key] = value;
    }
  }
  const builder = final["builder"] ?? shippedFile("stdenv/default-builder.sh");
  return {
    ...(attrs as Record<string, DerivationAttrValue>),
    name,
    doCheck: doCheck === true,
    system: stdenv.system,
    builder: (final["realBuilder"] as DerivationAttrValue | undefined) ?? stdenv.shell,
    args: (final["args"] as readonly DerivationAttrValue[] | undefined) ?? ["-e", builder as DerivationAttrValue],
    stdenv,
    // The stdenv's tools (the Debian toolchain, with the Debian packages among the inputs) as the build's /usr, /lib and /bin, not the host's.
    ...withBuildRoot(stdenv, attrs),
  };
}

/** The `kilnBuildRoot` attribute of a package of `stdenv` with these (normalised) attributes, if its stdenv has a build root. */
function withBuildRoot(stdenv: StdenvLike, attrs: Readonly<Record<string, unknown>>): { kilnBuildRoot?: string; kilnImpureHostPaths?: string } {
  const inputs = [...INPUT_LISTS].flatMap((list) => (Array.isArray(attrs[list]) ? (attrs[list] as unknown[]) : []));
  const root = stdenv.buildRootFor(inputs);
  return root === undefined ? stdenv.impureHostPaths : { kilnBuildRoot: root };
}

/** Turns what `overrideAttrs` was given into a layer, as nixpkgs' `toOverrideFn` does. */
function overrideLayer(update: unknown): AttrsLayer {
  if (typeof update === "function") {
    const fn = update as (...args: unknown[]) => unknown;
    if (fn.length >= 2) return (final, prev) => fn(final, prev) as object;
    // One parameter: the previous attributes, unless it returns a function (then it was `final => prev => …`).
    return (final, prev) => {
      const result = fn(prev);
      return (typeof result === "function" ? (fn(final) as (prevAttrs: unknown) => unknown)(prev) : result) as object;
    };
  }
  if (typeof update !== "object" || update === null) throw new PackageAttributeError("overrideAttrs: give an object of attributes or a function returning one");
  return () => update;
}

/** Copies the descriptors of `source` onto `target`, memoising getters, checking each key. */
function definePassthru(target: object, source: object, name: string): void {
  for (const key of Object.keys(source)) {
    checkPassthruKey(name, key);
    const descriptor = Object.getOwnPropertyDescriptor(source, key) as PropertyDescriptor;
    if (descriptor.get === undefined) {
      Object.defineProperty(target, key, { value: descriptor.value, enumerable: true });
      continue;
    }
    const getter = descriptor.get;
    let done = false;
    let value: unknown;
    Object.defineProperty(target, key, {
      enumerable: true,
      get() {
        if (!done) {
          value = getter.call(source);
          done = true;
        }
        return value;
      },
    });
  }
}

/** Makes the package object for `internals`: the derivation with the package's members on top. */
function packageObject(internals: PackageInternals): Package {
  const { finalAttrs, derivation: drv, recipe } = internals;
  const pkg = Object.create(drv) as Record<string | symbol, unknown>;
  internals.latest.current = pkg;
  const update = (next: AttrsUpdate): object => {
    const layers = [...recipe.layers, overrideLayer(next)];
    const override = recipe.override;
    return makePackage({
      stdenv: recipe.stdenv,
      layers,
      override: override === undefined ? undefined : (args: object) => (override(args) as Package).overrideAttrs(next as Partial<MkDerivationAttrs>),
    });
  };
  const members: PropertyDescriptorMap = {
    [INTERNALS]: { value: internals },
    pname: { value: finalAttrs["pname"], enumerable: true },
    version: { value: finalAttrs["version"], enumerable: true },
    src: { get: () => finalAttrs["src"], enumerable: true },
    attrs: { value: finalAttrs },
    stdenv: { value: recipe.stdenv },
    overrideAttrs: { value: update },
  };
  if (recipe.override !== undefined) members["override"] = { value: recipe.override };
  Object.defineProperties(pkg, members);
  // meta and passthru may refer to finalAttrs.finalPackage, which exists from here on.
  const meta = (finalAttrs["meta"] ?? {}) as Meta;
  const passthru = (finalAttrs["passthru"] ?? {}) as object;
  if (typeof meta !== "object") throw new PackageAttributeError(`package '${drv.name}': 'meta' must be an object`);
  if (typeof passthru !== "object") throw new PackageAttributeError(`package '${drv.name}': 'passthru' must be an object`);
  Object.defineProperties(pkg, { meta: { value: meta, enumerable: true }, passthru: { value: passthru, enumerable: true } });
  definePassthru(pkg, passthru, drv.name);
  return pkg as unknown as Package;
}

/** Makes a package from a recipe: fixes the attributes, makes the derivation, checks `meta`. */
export function makePackage(recipe: PackageRecipe): Package {
  const latest: { current: object | undefined } = { current: undefined };
  const finalAttrs = fixAttrs(recipe.layers, () => {
    if (latest.current === undefined) {
      throw new FixpointError("finalAttrs.finalPackage was read while the package was being made (from an attribute that goes into the derivation); read it only from passthru, meta, or later");
    }
    return latest.current;
  });
  const drv = derivation(derivationAttributes(finalAttrs, recipe.stdenv) as Parameters<typeof derivation>[0]);
  const pkg = packageObject({ recipe, finalAttrs, derivation: drv, latest });
  checkMeta(pkg.meta, { name: drv.name, pname: pkg.pname, system: recipe.stdenv.system, config: recipe.stdenv.config });
  return pkg;
}

/** `stdenv.mkDerivation` for `stdenv`. */
export function makeMkDerivation(stdenv: StdenvLike): MkDerivation {
  return <Passthru extends object = NoPassthru>(attrs: MkDerivationAttrs<Passthru> | ((finalAttrs: FinalAttrs<Passthru>) => MkDerivationAttrs<Passthru>)): Package<Passthru> => {
    const layer: AttrsLayer =
      typeof attrs === "function" ? (final) => (attrs as (finalAttrs: unknown) => object)(final) : () => attrs;
    return makePackage({ stdenv, layers: [layer] }) as Package<Passthru>;
  };
}

/** Whether `value` is a package made by `mkDerivation`. */
export function isPackage(value: unknown): value is Package {
  return typeof value === "object" && value !== null && INTERNALS in value;
}

/** The same package with an `override` (from `callPackage`): a new package object, the same derivation. */
export function withOverride<T extends Package>(pkg: T, override: (update: object) => object): T {
  const internals = (pkg as unknown as Record<symbol, PackageInternals>)[INTERNALS] as PackageInternals;
  // The new object shares `latest`, so finalAttrs.finalPackage becomes the overridable package.
  return packageObject({ ...internals, recipe: { ...internals.recipe, override } }) as T;
}
