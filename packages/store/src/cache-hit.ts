/**
 * The part of `@kiln/store` that a command answered from the evaluation
 * cache needs, importable alone as `@kiln/store/cache-hit`: an existing
 * store looked into without the realisers or the rest of the store loaded.
 *
 * @packageDocumentation
 * @module @kiln/store/cache-hit
 */
export { ExistingStore } from "./local-store/existing-store.js";
export { assertNotNixManaged, resolveStoreLocation } from "./local-store/store-location.js";
