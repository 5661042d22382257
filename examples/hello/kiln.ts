/**
 * A small shell program written from local source by a builder that needs
 * nothing but the sandbox's `/bin/sh` (its builtins): no compiler, no
 * toolchain to fetch. Run it with `sh ./result`.
 *
 *   pnpm kiln instantiate ./examples/hello#hello
 *   pnpm kiln show-derivation --recursive ./examples/hello#hello
 */
import { currentSystem, derivation, path, toFile } from "@kiln/core";

const system = currentSystem();

/** A text file in the store, made without a build (like builtins.toFile). */
const greeting = toFile("greeting.txt", "Built by Kiln from a TypeScript config.\n");

/** A derivation that other derivations depend on by interpolating it into a string. */
export const message = derivation({
  name: "hello-message",
  system,
  builder: "/bin/sh",
  args: ["-c", 'echo "Hello from Kiln!" > "$out"'],
});

export const hello = derivation({
  name: "hello",
  system,
  builder: "/bin/sh",
  args: [path("./builder.sh")],
  src: path("./src"),
  greeting,
  message: `${message}`,
});

export default { hello, message };
