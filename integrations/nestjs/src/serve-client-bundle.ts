import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts the client bundle (`/socket.io/socket.io.js`...) in front of the HTTP server's request
 * listeners, as socket.io does for `IoAdapter` users: a request it answers goes no further.
 */
export function serveClientBundle(httpServer: HttpServer, serve: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  const previous = httpServer.listeners("request").slice(0) as RequestListener[];
  httpServer.removeAllListeners("request");
  httpServer.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (serve(req, res)) return;
    for (const listener of previous) listener.call(httpServer, req, res);
  });
}
