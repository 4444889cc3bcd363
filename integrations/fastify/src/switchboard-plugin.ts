import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fastifyPlugin from "fastify-plugin";
import createDebug from "debug";
import { closeFrameworkServer, createFrameworkServer, dispatchToEngine, routeUpgrades } from "@switchboard/server/framework";
import type { SwitchboardFastifyOptions } from "./switchboard-options.js";

const debug = createDebug("switchboard:fastify");

/** Thrown synchronously when the plugin is registered twice on one instance. */
export class SwitchboardFastifyError extends Error {
  readonly code = "SWITCHBOARD_ALREADY_REGISTERED";
}

/**
 * Fastify's reply headers (set by `@fastify/cors`, `onRequest` hooks...) live on the reply until it
 * sends; a hijacked reply never does, so they are copied to the raw response the engine writes.
 */
function copyReplyHeaders(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && !reply.raw.hasHeader(name)) reply.raw.setHeader(name, value);
  }
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
  const { io, engine, enginePath, matches, serveClient } = framework;
  app.decorate("io", io);

  // An encapsulated scope: the engine reads request bodies itself, so no parser may consume them,
  // but the app's own parsers stay untouched. Hooks of the app still run on these routes.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request: FastifyRequest, _payload: unknown, done: (err: Error | null, body?: unknown) => void) => done(null));
    scope.route({
      method: ["GET", "POST", "OPTIONS"],
      url: enginePath,
      handler: (request, reply) => {
        copyReplyHeaders(reply);
        reply.hijack();
        dispatchToEngine(engine, request.raw, reply.raw);
      },
    });
    if (io.serveClient()) {
      scope.get(`${io.path()}/:file`, (request, reply) => {
        copyReplyHeaders(reply);
        reply.hijack();
        if (!serveClient(request.raw, reply.raw)) reply.raw.writeHead(404, { "content-type": "text/plain" }).end("not found");
      });
    }
  });

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
