/** Modules describing a user's home (being written). */
export {};
