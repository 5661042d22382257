// The least work a Node program can do to give a derivation Nix's paths:
// the three ATerm texts and five SHA-256 digests of `derivationStrict`,
// nothing else (no checks of names or attributes, no string context, one
// output `out`, no input sources, no fixed outputs, no escapes). The benches
// run programs built on it beside Kiln and Nix, so that a goal below what any
// Node program can do shows as such. It is self-contained on purpose: loading
// Kiln would add Kiln's start-up to the floor.
import { hash } from "node:crypto";

const STORE = "/nix/store";
const DIGITS = "0123456789abcdfghijklmnpqrsvwxyz";
const compressed = new Uint8Array(20);

/** The store path of a fingerprint: its SHA-256 folded to 20 bytes, in Nix's base32. */
function storePath(fingerprint, name) {
  const digest = hash("sha256", fingerprint, "latin1");
  compressed.fill(0);
  for (let i = 0; i < 32; i++) compressed[i % 20] ^= digest.charCodeAt(i);
  let text = "";
  for (let n = 31; n >= 0; n--) {
    const bit = n * 5;
    const byte = bit >> 3;
    const shift = bit & 7;
    text += DIGITS[((compressed[byte] >> shift) | (byte < 19 ? compressed[byte + 1] << (8 - shift) : 0)) & 31];
  }
  return `${STORE}/${text}-${name}`;
}

// The benches' strings need no escapes in an ATerm; one that would is refused rather than handled.
const PLAIN = /^[^"\\\n\r\t]*$/;
const quoted = (text) => {
  if (!PLAIN.test(text)) throw new Error(`the floor program takes no string that needs escapes: ${JSON.stringify(text)}`);
  return `"${text}"`;
};

/**
 * A derivation's output path, `.drv` path and hash modulo its inputs (hex), as Nix computes them.
 * `env` holds every attribute but `args` as strings (the `out` variable is added here); `inputs` are
 * the derivations whose outputs `out` the attributes mention.
 */
export function minimalDerivation(name, system, builder, args, env, inputs) {
  const keys = [...Object.keys(env), "out"].sort();
  let before = "";
  let after = "";
  let outAt = false;
  for (const key of keys) {
    if (key === "out") outAt = true;
    else if (outAt) after += `,(${quoted(key)},${quoted(env[key])})`;
    else before += `(${quoted(key)},${quoted(env[key])}),`;
  }
  const middle = `[],${quoted(system)},${quoted(builder)},[${args.map(quoted).join(",")}],[${before}("out",`;
  const unique = inputs.length === 2 && inputs[0] === inputs[1] ? [inputs[0]] : inputs.length < 2 ? inputs : [...new Set(inputs)];
  const modulo = unique.length === 1 ? `("${unique[0].modulo}",["out"])` : unique.map((input) => `("${input.modulo}",["out"])`).sort().join(",");
  const drvs = unique.length < 2 ? unique.map((input) => input.drvPath) : unique.map((input) => input.drvPath).sort();
  const masked = `Derive([("out","","","")],[${modulo}],${middle}"")${after}])`;
  const outPath = storePath(`output:out:sha256:${hash("sha256", masked, "hex")}:${STORE}:${name}`, name);
  const outputs = `Derive([("out","${outPath}","","")],[`;
  const rest = `],${middle}"${outPath}")${after}])`;
  const hashModulo = hash("sha256", outputs + modulo + rest, "hex");
  const aterm = outputs + drvs.map((path) => `("${path}",["out"])`).join(",") + rest;
  const references = drvs.length === 0 ? "" : `${drvs.join(":")}:`;
  const drvPath = storePath(`text:${references}sha256:${hash("sha256", aterm, "hex")}:${STORE}:${name}.drv`, `${name}.drv`);
  return { outPath, drvPath, modulo: hashModulo };
}
