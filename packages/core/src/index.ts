/**
 * `@kiln/core`: Kiln in one import, for configs and programs that want all
 * of it: re-exports `@kiln/formats` (store paths, NAR, derivations, fetchers,
 * the graph), `@kiln/store` (the local store, the realisers),
 * `@kiln/activation` (activation, profiles) and `@kiln/config` (config
 * loading), under the names they have there.
 *
 * @packageDocumentation
 * @module @kiln/core
 */
import { offerToConfigs } from "@kiln/config";

// A config loaded through this package may import it without installing it.
offerToConfigs("@kiln/core", new URL("./index.js", import.meta.url).href);

export * from "@kiln/formats";
export * from "@kiln/store";
export * from "@kiln/activation";
export * from "@kiln/config";
