import type { FastifyInstance } from "fastify";
import fastifyPlugin from "fastify-plugin";
import createDebug from "debug";
import { closeFrameworkServer, createFrameworkServer, registerFastifyRoutes, routeUpgrades, type FastifyScope } from "@switchboard/server/framework";
import type { SwitchboardFastifyOptions } from "./switchboard-options.js";

const debug = createDebug("switchboard:fastify");

/** Thrown synchronously when the plugin is registered twice on one instance. */
export class SwitchboardFastifyError extends Error {
  readonly code = "SWITCHBOARD_ALREADY_REGISTERED";
}

async function switchboardPlugin(app: FastifyInstance, options: SwitchboardFastifyOptions): Promise<void> {
  if (app.hasDecorator("io")) {
    throw new SwitchboardFastifyError("@switchboard/fastify is already registered on this instance (app.io exists)");
  }
  // fastify-plugin passes its own keys next to the user's; they are not Server options.
  const {
    prefix: _prefix,
    logLevel: _logLevel,
    logSerializers: _logSerializers,
    ...serverOptions
  } = options as SwitchboardFastifyOptions & Record<string, unknown>;
  const framework = createFrameworkServer(serverOptions);
  const { io, matches } = framework;
  app.decorate("io", io);

  // In a scope of its own: the app's hooks run on the engine's routes, its body parsers do not.
  // (Fastify types a child scope for any raw server, HTTP/2 included; the engine takes HTTP/1's.)
  await registerFastifyRoutes(app as unknown as FastifyScope, framework);

  const stopUpgrades = routeUpgrades(app.server, { matches, handler: () => app.routing.bind(app) });

  // Before the HTTP server closes: disconnecting every client first answers the pending polls,
  // so `server.close()` has nothing left to wait for. Fastify answers 503 once closing: open
  // polling sessions are served directly meanwhile, so they collect what was emitted before.
  app.addHook("preClose", async () => {
    debug("fastify closing: closing the Socket.IO server");
    await closeFrameworkServer(framework, { stopUpgrades, drain: app.server });
  });
}

/**
 * Socket.IO on a Fastify app: `app.io` is the Server; polling requests and WebSocket upgrades go
 * through Fastify's router, so the app's `onRequest` hooks, `@fastify/cors`, rate limits and the
 * logger apply to them (a hook answering, say 401, refuses even a WebSocket-only client).
 *
 * @example
 * await app.register(switchboard, { auth: jwtAuth({ secret }), pingInterval: 10000 });
 * app.io.on("connection", (socket) => socket.emit("hello", socket.data.user.sub));
 */
export const switchboard = fastifyPlugin(switchboardPlugin, { fastify: "5.x", name: "@switchboard/fastify" });
