/** A real HTTP(S) server on 127.0.0.1 for fetcher tests, with the misbehaviours downloads must survive. */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { fileURLToPath } from "node:url";

/** Answers one request. */
export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** The test certificate's files (self-signed for localhost and 127.0.0.1). */
export const TEST_CERTIFICATE = fileURLToPath(new URL("./fixtures/localhost-cert.pem", import.meta.url));
const TEST_KEY = fileURLToPath(new URL("./fixtures/localhost-key.pem", import.meta.url));

/** A running server; `url` ends without a slash. */
export interface LoopbackServer {
  readonly url: string;
  /** `host:port`, e.g. for `githubBase`. */
  readonly host: string;
  /** Every request path, in order. */
  readonly requests: string[];
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

/** Starts a server; with `https`, on the test certificate. */
export async function startLoopbackServer(options: { https?: boolean } = {}): Promise<LoopbackServer> {
  const routes = new Map<string, Handler>();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const path = request.url ?? "/";
    requests.push(path);
    const handler = routes.get(path);
    if (handler === undefined) {
      response.writeHead(404, "Not Found").end("not found\n");
      return;
    }
    handler(request, response);
  };
  const server: Server = options.https === true ? createHttpsServer({ cert: readFileSync(TEST_CERTIFICATE), key: readFileSync(TEST_KEY) }, listener) : createHttpServer(listener);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const host = options.https === true ? `localhost:${port}` : `127.0.0.1:${port}`;
  return {
    url: `${options.https === true ? "https" : "http"}://${host}`,
    host,
    requests,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Serves `body` with a Content-Length. */
export function serve(body: Buffer | string): Handler {
  return (_request, response) => {
    const bytes = Buffer.from(body);
    response.writeHead(200, { "content-length": bytes.length, "content-type": "application/octet-stream" }).end(bytes);
  };
}

/** Redirects to `location` with `status`. */
export function redirect(location: string, status = 302): Handler {
  return (_request, response) => response.writeHead(status, { location }).end();
}

/** Fails `times` times with `status`, then hands over to `then`. */
export function failing(times: number, status: number, then: Handler): Handler {
  let failures = 0;
  return (request, response) => {
    if (failures < times) {
      failures++;
      response.writeHead(status).end("try again later\n");
      return;
    }
    then(request, response);
  };
}

/** Sends headers and a few bytes, then nothing more (until the socket is destroyed). */
export function stalling(): Handler {
  return (_request, response) => {
    response.writeHead(200, { "content-length": 1000 });
    response.write("only the beginning");
  };
}
