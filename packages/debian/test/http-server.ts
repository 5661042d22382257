/** A local HTTP server on 127.0.0.1 that serves fixed bytes by path, standing in for a mirror that serves altered files. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A running server; `url` ends in `/`. */
export interface LocalServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `files` (path without the leading `/` → bytes); anything else is 404. */
export async function serve(files: ReadonlyMap<string, Uint8Array>): Promise<LocalServer> {
  const server: Server = createServer((request, response) => {
    const body = files.get((request.url ?? "/").slice(1));
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-length": body.length }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
