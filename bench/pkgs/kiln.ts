/**
 * The pkgs benchmark's package set for Kiln: BENCH_PACKAGES (2,000)
 * generated packages (the top BENCH_SELECTED, 95, of them instantiated), package i depending on packages i-1 and i/2 through
 * the set (`final.pkg_j`), made with `makePkgs` and three overlays (the last
 * through `pkgs.extend`), as bench/pkgs/pkgs.nix does for Nix with `fix`
 * and `extends`; both give the same .drv paths.
 *
 * The default export selects the top BENCH_SELECTED (95) generated packages and 5 bundles
 * by getters, so that loading the config evaluates nothing and
 * `kiln instantiate` times the evaluation apart from the loading.
 */
import { derivation, type Derivation } from "@kiln/core";
import { makePkgs, type Overridable, type PackageSet } from "@kiln/pkgs";

const count = Number(process.env["BENCH_PACKAGES"] ?? 2000);
const selectedCount = Number(process.env["BENCH_SELECTED"] ?? 95);

/** What {@link mk} takes. */
interface MkAttrs {
  readonly pname: string;
  readonly version: string;
  readonly deps: readonly Derivation[];
  readonly env: Readonly<Record<string, string>>;
}

/** What {@link mk} makes: a derivation with its attributes and `overrideAttrs`. */
interface MkPackage extends Derivation {
  readonly pname: string;
  readonly version: string;
  overrideAttrs(update: (old: MkAttrs) => Partial<MkAttrs>): MkPackage;
}

/** A generated package as `callPackage` returns it. */
type Generated = MkPackage & Overridable<MkPackage, PackageArgs>;

/** The arguments of a package function. */
interface PackageArgs {
  readonly mk: typeof mk;
  readonly deps: readonly Derivation[];
}

type Name = `pkg_${number}` | `bundle_${number}`;

/** The benchmark's set: the base, `mk` and the generated packages. */
interface BenchSet extends PackageSet {
  readonly mk: typeof mk;
  readonly [name: Name]: Generated;
}

/**
 * The small mkDerivation both sides share (pkgs.nix has the same): the
 * derivation with its `pname`, `version` and `overrideAttrs` (to make it
 * again with some attributes changed) added, as Nix's `derivation { … } // { … }`.
 */
function mk(attrs: MkAttrs): MkPackage {
  const made = derivation({
    ...attrs.env,
    name: `${attrs.pname}-${attrs.version}`,
    system: "x86_64-linux",
    builder: "/bin/sh",
    args: ["-c", "echo $deps > $out"],
    deps: attrs.deps,
  });
  // `made` is new and ours: adding to it is the cheapest way to keep it a derivation.
  return Object.assign(made, { pname: attrs.pname, version: attrs.version, overrideAttrs: (update: (old: MkAttrs) => Partial<MkAttrs>) => mk({ ...attrs, ...update(attrs) }) });
}

const name = (i: number): `pkg_${number}` => `pkg_${i}`;
/** Package `key` of `set`; every name read here is one the overlays define. */
const at = (set: BenchSet, key: Name): Generated => set[key] as Generated;
const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);

/** A package function as the overlays write them; its dependencies come as `deps`. */
const packageNamed =
  (pname: string) =>
  ({ mk, deps }: PackageArgs): MkPackage =>
    mk({ pname, deps, version: "1.0", env: {} });

/** Defines `attributes` as getters on one object, so that each is evaluated when first read. */
function lazily(attributes: Iterable<readonly [string, () => unknown]>, into: object = {}): object {
  for (const [key, value] of attributes) Object.defineProperty(into, key, { get: value, enumerable: true, configurable: true });
  return into;
}

/** Overlay 1: the generated packages. */
const generated = (final: BenchSet): object =>
  lazily(
    range(0, count - 1).map((i) => [name(i), () => final.callPackage(packageNamed(name(i)), { deps: i === 0 ? [] : [at(final, name(i - 1)), at(final, name(Math.floor(i / 2)))] })] as const),
    { mk },
  );

/** Overlay 2: every 25th package gets a third dependency (`override`), every 10th a patched version and one more variable (`overrideAttrs`). */
const patches = (final: BenchSet, prev: BenchSet): object =>
  lazily(
    range(1, count - 1)
      .filter((i) => i % 10 === 0 || i % 25 === 0)
      .map((i) => [
        name(i),
        () => {
          const overridden = i % 25 === 0 ? at(prev, name(i)).override({ deps: [at(final, name(i - 1)), at(final, name(Math.floor(i / 2))), at(final, "pkg_3")] }) : at(prev, name(i));
          return i % 10 === 0 ? overridden.overrideAttrs((old) => ({ version: `${old.version}-p1`, env: { ...old.env, patched: "1" } })) : overridden;
        },
      ] as const),
  );

/** Overlay 3: five bundles on top, a new seed for the first package (which every other depends on) and other dependencies for one more. */
const finishing = (final: BenchSet, prev: BenchSet): object =>
  lazily([
    ...range(0, 4).map((k) => [`bundle_${k}`, () => final.callPackage(packageNamed(`bundle_${k}`), { deps: [at(final, name(count - 1 - k)), at(final, name(k))] })] as const),
    ["pkg_0", () => at(prev, "pkg_0").overrideAttrs((old) => ({ env: { ...old.env, seed: "3" } }))],
    [name(count - 7), () => at(prev, name(count - 7)).override({ deps: [at(final, name(count - 8)), at(final, name(Math.floor(count / 3)))] })],
  ]);

const pkgs = makePkgs<BenchSet>({ overlays: [generated, patches] }).extend(finishing);

/** The top BENCH_SELECTED generated packages and the bundles, read when instantiated. */
const selected: Name[] = [...range(Math.max(0, count - selectedCount), count - 1).map(name), ...range(0, 4).map((k): Name => `bundle_${k}`)];

export default lazily(selected.map((attribute) => [attribute, () => at(pkgs, attribute)] as const));
