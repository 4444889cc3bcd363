import type { IncomingMessage, ServerResponse } from "node:http";

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The part of an HTTP server whose "request" listeners get intercepted. */
export interface RequestEmitter {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Node's EventEmitter signature
  listeners(event: "request"): Function[];
  removeAllListeners(event: "request"): unknown;
  on(event: "request", listener: RequestListener): unknown;
  off(event: "request", listener: RequestListener): unknown;
}

/**
 * Puts `take` in front of the server's current "request" listeners: a request it takes (returns
 * true for) goes no further, any other goes to those listeners. Returns a function that puts the
 * previous listeners back.
 *
 * @example
 * const release = interceptRequests(httpServer, (req, res) => matches(req.url) && (engine.handleRequest(req, res), true));
 */
export function interceptRequests(server: RequestEmitter, take: (req: IncomingMessage, res: ServerResponse) => boolean): () => void {
  const previous = server.listeners("request").slice() as RequestListener[];
  const listener: RequestListener = (req, res) => {
    if (take(req, res)) return;
    for (const fn of previous) fn.call(server, req, res);
  };
  server.removeAllListeners("request");
  server.on("request", listener);
  return () => {
    if (!server.listeners("request").includes(listener)) return;
    server.off("request", listener);
    for (const fn of previous) server.on("request", fn);
  };
}
