/** Placeholder until the module system lands. */
export {};
