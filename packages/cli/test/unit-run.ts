/**
 * Test helpers for running a machine's service as systemd would, without
 * systemd: a free TCP port for it to listen on, and the settings of its
 * unit file.
 */
import { createServer } from "node:net";

/** A TCP port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** `Key=value` of a unit's text (the first). */
export function unitValue(unit: string, key: string): string {
  const value = new RegExp(`^${key}=(.*)$`, "m").exec(unit)?.[1];
  if (value === undefined) throw new Error(`the unit has no ${key}:\n${unit}`);
  return value;
}
