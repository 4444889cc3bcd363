import type { IncomingMessage, ServerResponse } from "node:http";
import { dispatchToEngine } from "./pending-upgrade.js";
import type { FrameworkServer } from "./framework-server.js";

/** The part of a Fastify reply the engine's routes use. */
export interface FastifyReplyLike {
  readonly raw: ServerResponse;
  hijack(): unknown;
  getHeaders(): Record<string, unknown>;
}

/** The part of a Fastify instance (or encapsulated scope) the engine's routes need. */
export interface FastifyScope {
  register(plugin: (scope: FastifyScope) => Promise<void>): PromiseLike<unknown>;
  removeAllContentTypeParsers(): unknown;
  addContentTypeParser(type: string, parser: (request: unknown, payload: unknown, done: (err: Error | null, body?: unknown) => void) => void): unknown;
  route(options: { method: string[]; url: string; handler: (request: { readonly raw: IncomingMessage }, reply: FastifyReplyLike) => void }): unknown;
}

/**
 * Takes over a Fastify reply for the engine. Headers set on the reply by hooks and plugins
 * (`@fastify/cors`, `onRequest`...) stay on it until it sends, which a hijacked reply never does:
 * they are copied to the raw response the engine writes.
 */
function hijack(reply: FastifyReplyLike): ServerResponse {
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && !reply.raw.hasHeader(name)) reply.raw.setHeader(name, value as string | number | readonly string[]);
  }
  reply.hijack();
  return reply.raw;
}

/**
 * Registers the engine's route (polling requests and the upgrades `routeUpgrades` sends through
 * `app.routing`) and, when the Server serves it, the client bundle's route, in an encapsulated
 * scope of a Fastify app: the app's hooks run on them, its content-type parsers stay untouched and
 * none consumes the bodies the engine reads itself. Resolves once Fastify has loaded the scope.
 *
 * @example
 * await registerFastifyRoutes(app, createFrameworkServer(options));
 */
export function registerFastifyRoutes(
  app: FastifyScope,
  framework: Pick<FrameworkServer, "io" | "engine" | "enginePath" | "serveClient">,
): PromiseLike<unknown> {
  const { io, engine, enginePath, serveClient } = framework;
  return app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, _payload, done) => done(null));
    scope.route({ method: ["GET", "POST", "OPTIONS"], url: enginePath, handler: (request, reply) => dispatchToEngine(engine, request.raw, hijack(reply)) });
    if (io.serveClient()) {
      scope.route({
        method: ["GET", "HEAD"],
        url: `${io.path()}/:file`,
        handler: (request, reply) => {
          const res = hijack(reply);
          if (!serveClient(request.raw, res)) res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        },
      });
    }
  });
}
