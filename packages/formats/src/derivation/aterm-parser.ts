/**
 * Reads the ATerm text of a `.drv` file back into a {@link Drv}.
 *
 * Accepts exactly what Nix writes (and what Nix's parser accepts): the
 * `Derive(...)` term with its seven fields. An escape `\x` stands for `x`
 * except `\n`, `\r` and `\t`.
 */
import { KilnError } from "../errors.js";
import type { Drv, DrvOutput } from "./drv.js";

/** ATerm text that is not a derivation. */
export class AtermParseError extends KilnError {
  override name = "AtermParseError";
}

class Cursor {
  position = 0;
  constructor(
    readonly text: string,
    readonly source: string,
  ) {}

  fail(expected: string): never {
    const found = this.position < this.text.length ? JSON.stringify(this.text.slice(this.position, this.position + 12)) : "end of input";
    throw new AtermParseError(`${this.source}: expected ${expected} at offset ${this.position}, found ${found}`);
  }

  expect(token: string): void {
    if (!this.text.startsWith(token, this.position)) this.fail(`'${token}'`);
    this.position += token.length;
  }

  /** Consumes `token` if it is next. */
  accept(token: string): boolean {
    if (!this.text.startsWith(token, this.position)) return false;
    this.position += token.length;
    return true;
  }

  string(): string {
    this.expect('"');
    let out = "";
    let start = this.position;
    for (;;) {
      const next = this.text.indexOf('"', this.position);
      const escape = this.text.indexOf("\\", this.position);
      if (next < 0) this.fail("a closing '\"'");
      if (escape >= 0 && escape < next) {
        out += this.text.slice(start, escape);
        const escaped = this.text[escape + 1];
        if (escaped === undefined) this.fail("an escaped character");
        out += escaped === "n" ? "\n" : escaped === "r" ? "\r" : escaped === "t" ? "\t" : escaped;
        this.position = escape + 2;
        start = this.position;
        continue;
      }
      out += this.text.slice(start, next);
      this.position = next + 1;
      return out;
    }
  }

  list<T>(item: () => T): T[] {
    this.expect("[");
    const items: T[] = [];
    if (this.accept("]")) return items;
    do items.push(item());
    while (this.accept(","));
    this.expect("]");
    return items;
  }
}

/** Parses `.drv` ATerm text; `source` names it in errors (a path, say). */
export function parseAterm(text: string, source = "derivation"): Drv {
  const cursor = new Cursor(text, source);
  cursor.expect("Derive(");
  const outputs = new Map<string, DrvOutput>();
  for (const [name, output] of cursor.list(() => {
    cursor.expect("(");
    const name = cursor.string();
    cursor.expect(",");
    const path = cursor.string();
    cursor.expect(",");
    const hashAlgo = cursor.string();
    cursor.expect(",");
    const hash = cursor.string();
    cursor.expect(")");
    return [name, { path, hashAlgo, hash }] as const;
  })) {
    if (outputs.has(name)) throw new AtermParseError(`${source}: output '${name}' appears twice`);
    outputs.set(name, output);
  }
  cursor.expect(",");
  const inputDrvs = new Map<string, string[]>();
  for (const [path, names] of cursor.list(() => {
    cursor.expect("(");
    const path = cursor.string();
    cursor.expect(",");
    const names = cursor.list(() => cursor.string());
    cursor.expect(")");
    return [path, names] as const;
  })) {
    inputDrvs.set(path, names);
  }
  cursor.expect(",");
  const inputSrcs = cursor.list(() => cursor.string());
  cursor.expect(",");
  const system = cursor.string();
  cursor.expect(",");
  const builder = cursor.string();
  cursor.expect(",");
  const args = cursor.list(() => cursor.string());
  cursor.expect(",");
  const env = new Map<string, string>();
  for (const [key, value] of cursor.list(() => {
    cursor.expect("(");
    const key = cursor.string();
    cursor.expect(",");
    const value = cursor.string();
    cursor.expect(")");
    return [key, value] as const;
  })) {
    env.set(key, value);
  }
  cursor.expect(")");
  if (cursor.position !== text.length) cursor.fail("the end of the derivation");
  return { outputs, inputDrvs, inputSrcs, system, builder, args, env };
}
