import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import createDebug from "debug";
import { stashUpgrade } from "./pending-upgrade.js";
import { createUpgradeResponse } from "./upgrade-response.js";

const debug = createDebug("switchboard:server");

/** A framework's entry point for HTTP requests: Fastify's `app.routing`, an Express app. */
export type FrameworkHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface UpgradeRouterOptions {
  /** Whether an upgrade URL is the engine's; others are left to the server's other listeners. */
  matches(url: string | undefined): boolean;
  /**
   * Resolved per upgrade, so a handler set up after this call is still found. Default: the HTTP
   * server's own request listener (the app `http.createServer(app)` or `app.listen()` was given).
   */
  handler?(): FrameworkHandler | undefined;
  /** Close unanswered upgrades for other paths when no other listener exists. Default true. */
  destroyUpgrade?: boolean;
  /** Milliseconds before such an upgrade is closed. Default 1000. */
  destroyUpgradeTimeout?: number;
}

/**
 * Sends the engine's WebSocket upgrades through a framework's router, so its hooks and
 * middlewares (auth, CORS, sessions, rate limits, logging) run on them like on any request; the
 * engine route then finishes the upgrade with {@link dispatchToEngine}. Returns a function that
 * stops listening.
 *
 * @example
 * const stop = routeUpgrades(app.server, { matches, handler: () => app.routing });
 */
export function routeUpgrades(server: HttpServer, options: UpgradeRouterOptions): () => void {
  const destroyUpgrade = options.destroyUpgrade ?? true;
  const destroyUpgradeTimeout = options.destroyUpgradeTimeout ?? 1000;
  const timers = new Set<NodeJS.Timeout>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!options.matches(req.url)) {
      if (destroyUpgrade && server.listenerCount("upgrade") === 1) closeUnanswered(socket);
      return;
    }
    const handler = options.handler ? options.handler() : (server.listeners("request")[0] as FrameworkHandler | undefined);
    const response = createUpgradeResponse(req, socket);
    if (handler === undefined) {
      debug("no framework handler for the upgrade of %s", req.url);
      response.res.writeHead(503).end();
      return;
    }
    stashUpgrade(req, { socket, head, response });
    try {
      handler.call(server, req, response.res);
    } catch (err) {
      // A throwing handler must not take the process down with it: answer and close.
      debug("framework handler threw on the upgrade of %s: %O", req.url, err);
      if (!response.res.headersSent) response.res.writeHead(500).end();
      else socket.destroy();
    }
  };

  const closeUnanswered = (socket: Duplex): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (socket.writable && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) {
        socket.on("error", (err) => debug("unanswered upgrade: %O", err));
        socket.end();
      }
    }, destroyUpgradeTimeout);
    timer.unref();
    timers.add(timer);
  };

  server.on("upgrade", onUpgrade);
  return () => {
    server.off("upgrade", onUpgrade);
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}
