import type { Server as HttpServer } from "node:http";
import createDebug from "debug";
import { drainSessions } from "./drain-sessions.js";
import type { FrameworkServer } from "./framework-server.js";

const debug = createDebug("switchboard:server");

/** How an integration closes: what it stops first, and where the framework refuses requests meanwhile. */
export interface CloseFrameworkOptions {
  /** Stops routing WebSocket upgrades to the engine (what `routeUpgrades` returned). */
  stopUpgrades?: () => void;
  /**
   * The HTTP server of a framework that refuses requests while it closes (Fastify answers 503):
   * the polling sessions still open are served directly on it until the Server is closed.
   */
  drain?: HttpServer;
}

/** One shutdown per Server, whichever integration path (and however many times) asks for it. */
const closing = new WeakMap<object, Promise<void>>();

/**
 * The shutdown every integration runs when its application closes: stops taking upgrades, then
 * closes the Server (every socket disconnected with "server shutting down", every namespace's
 * adapter closed, so a Redis adapter gives up its subscriptions, and the engine shut down
 * gracefully). Runs once per Server: later calls return the first call's promise.
 *
 * @example
 * app.addHook("preClose", () => closeFrameworkServer(framework, { stopUpgrades, drain: app.server }));
 */
export function closeFrameworkServer(framework: Pick<FrameworkServer, "io" | "engine" | "matches">, options: CloseFrameworkOptions = {}): Promise<void> {
  const { io, engine, matches } = framework;
  let done = closing.get(io);
  if (done) return done;
  done = (async () => {
    debug("closing the Socket.IO server of %s", io.path());
    options.stopUpgrades?.();
    const release = options.drain ? drainSessions(options.drain, matches, engine) : undefined;
    try {
      await io.close();
    } finally {
      release?.();
    }
  })();
  closing.set(io, done);
  return done;
}
