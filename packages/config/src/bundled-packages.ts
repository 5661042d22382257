/**
 * The `@kiln/*` packages of the Kiln that is running, as a config must
 * import them to share its instance. The `kiln` command runs Kiln as one
 * bundled script (see scripts/bundle-kiln.js); a config whose bundle
 * imported `@kiln/core` from its own `dist/index.js` would load a second
 * copy of Kiln beside it, with classes of its own (a `Derivation` that is
 * not the CLI's, an `instanceof` that fails) and twice the loading. The
 * bundle's loader registers, for each package entry, the URL of a module
 * beside the bundle that re-exports the running instance; config bundles
 * import that instead. Without a bundle (Kiln imported as ES modules, by a
 * program embedding it) there are none, and entries are imported as they are.
 */
const REDIRECTS_KEY = Symbol.for("kiln.package-redirects");

/** Package entry URL to the URL of the module to import instead; empty unless Kiln runs bundled. */
export function bundledPackageRedirects(): Readonly<Record<string, string>> {
  return (globalThis as { [REDIRECTS_KEY]?: Readonly<Record<string, string>> })[REDIRECTS_KEY] ?? {};
}

/** The package entry URL a redirected module URL stands for (`url` itself when it is none). */
export function redirectedFrom(url: string): string {
  const found = Object.entries(bundledPackageRedirects()).find(([, to]) => to === url);
  return found === undefined ? url : found[0];
}
