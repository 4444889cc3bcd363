import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import express, { type Application, type Express } from "express";
import createDebug from "debug";
import type { DefaultEventsMap, EventsMap } from "@switchboard/protocol";
import type { FrameworkOptions, Server } from "@switchboard/server";
import { closeFrameworkServer, createFrameworkServer, mountExpressRoutes, routeUpgrades } from "@switchboard/server/framework";

const debug = createDebug("switchboard:express");

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Options of `switchboard()`: every `new Server(options)` option, plus `auth` (see `jwtAuth`). */
export interface SwitchboardExpressOptions extends FrameworkOptions {}

/** The middleware `switchboard()` returns: an Express sub-app carrying the Server. */
export type SwitchboardMiddleware<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> = Express & {
  /** The Socket.IO server. */
  readonly io: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /**
   * Serves WebSocket upgrades of an HTTP server you created (`http.createServer(app)`); not
   * needed after `app.listen()`, which the mount already wraps.
   */
  attach(server: HttpServer): SwitchboardMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
};

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Where the sub-app is mounted, as a URL prefix ("" at the root). */
function mountPrefix(app: Express): string {
  const mountpath = (app as Express & { mountpath?: string | string[] }).mountpath;
  return typeof mountpath === "string" && mountpath !== "/" ? mountpath.replace(/\/$/, "") : "";
}

/**
 * Express has no close of its own: closing the HTTP server (`server.close()`) closes the app. The
 * Socket.IO server closes first (clients disconnected, adapters closed), while the HTTP server
 * still serves the polls that collect what was emitted before; then the HTTP server closes, with
 * no WebSocket left to wait for.
 */
function closeBeforeHttpServer(server: HttpServer, shutdown: () => Promise<void>): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called back on the server below
  const close = server.close;
  let shuttingDown = false;
  server.close = function (this: HttpServer, callback?: (err?: Error) => void) {
    // `io.close()` closing its HTTP server during the shutdown, or a second call.
    if (shuttingDown) return close.call(this, callback);
    shuttingDown = true;
    debug("HTTP server closing: closing the Socket.IO server first");
    void shutdown()
      .catch((err: unknown) => debug("closing the Socket.IO server failed: %O", err))
      .then(() => {
        if (this.listening) close.call(this, callback);
        else if (callback) process.nextTick(callback);
      });
    return this;
  };
}

/**
 * Socket.IO as Express middleware. `app.use(realtime)` mounts it; `app.listen()` then serves
 * long-polling and WebSocket upgrades, and the upgrades run through the app's middlewares first
 * (sessions, passport, cors, helmet): `socket.request.session` is there, even for WebSocket-only
 * clients. Mount it after those middlewares. A body parser mounted before it may read the polling
 * POSTs: the engine then takes the text it left on `req.body`.
 *
 * @example
 * const realtime = switchboard<ClientEvents, ServerEvents>({ auth: jwtAuth({ secret }) });
 * app.use(session(sessionOptions), realtime);
 * app.post("/news", (req, res) => { realtime.io.emit("news", req.body); res.end(); });
 * app.listen(3000);
 */
export function switchboard<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
>(options: SwitchboardExpressOptions = {}): SwitchboardMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  const framework = createFrameworkServer<ListenEvents, EmitEvents, ServerSideEvents, SocketData>(options);
  const { io, enginePath, matches } = framework;
  const app = express();
  app.disable("x-powered-by");
  mountExpressRoutes(app, framework);

  const attached = new WeakSet<HttpServer>();
  const realtime = Object.assign(app, {
    io,
    attach(server: HttpServer) {
      if (attached.has(server)) return realtime;
      attached.add(server);
      const stopUpgrades = routeUpgrades(server, {
        matches: (url) => {
          const prefix = mountPrefix(app);
          return url !== undefined && url.startsWith(prefix) && matches(url.slice(prefix.length));
        },
        // The server's own request listener (the parent app) runs the whole middleware chain.
        handler: () => (server.listeners("request")[0] as RequestListener | undefined) ?? app,
        destroyUpgrade: options.destroyUpgrade,
        destroyUpgradeTimeout: options.destroyUpgradeTimeout,
      });
      // socket.io's `close()` also closes the HTTP server it serves.
      io.httpServer ??= server;
      const shutdown = () => closeFrameworkServer(framework, { stopUpgrades });
      closeBeforeHttpServer(server, shutdown);
      server.once("close", () => void shutdown());
      debug("serving upgrades on %s", enginePath);
      return realtime;
    },
  }) as SwitchboardMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;

  // Mounted with `parent.use(realtime)`: wrap the parent's `listen` so that the server it creates
  // serves upgrades too, with no further call.
  app.on("mount", (parent: Application) => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to the parent app below
    const listen = parent.listen;
    parent.listen = function (this: Application, ...args: unknown[]) {
      const server = (listen as (...a: unknown[]) => HttpServer).apply(this, args);
      realtime.attach(server);
      return server;
    } as Application["listen"];
    parent.locals.io ??= io;
  });
  return realtime;
}
