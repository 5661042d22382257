/** Modules describing a machine (being written). */
export {};
