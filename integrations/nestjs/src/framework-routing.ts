import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { INestApplicationContext } from "@nestjs/common";
import { dispatchToEngine, routeUpgrades, type EngineEntry, type FrameworkServer } from "@switchboard/server/framework";

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

interface HttpAdapterLike {
  getType(): string;
  getInstance(): unknown;
}

interface ExpressLike {
  all(path: string, handler: RequestListener): void;
  get(path: string, handler: (req: IncomingMessage, res: ServerResponse, next: () => void) => void): void;
}

interface FastifyReplyLike {
  raw: ServerResponse;
  hijack(): void;
  getHeaders(): Record<string, unknown>;
}

interface FastifyLike {
  register(plugin: (scope: FastifyLike) => Promise<void>): unknown;
  removeAllContentTypeParsers(): void;
  addContentTypeParser(type: string, parser: (request: unknown, payload: unknown, done: (err: Error | null) => void) => void): void;
  route(options: { method: string[]; url: string; handler: (request: { raw: IncomingMessage }, reply: FastifyReplyLike) => void }): void;
}

/** A hijacked Fastify reply never sends: headers its hooks set (CORS...) are copied to the raw response. */
function hijack(reply: FastifyReplyLike): ServerResponse {
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && !reply.raw.hasHeader(name)) reply.raw.setHeader(name, value as string);
  }
  reply.hijack();
  return reply.raw;
}

/**
 * Serves the engine through the Nest application's own HTTP stack (Express or Fastify), so its
 * middlewares and hooks (sessions, helmet, `enableCors()`, rate limits) run on the handshake's
 * requests and WebSocket upgrades too. Returns a function that stops routing upgrades, or
 * undefined when the platform is neither.
 */
export function routeThroughApplication(
  app: INestApplicationContext,
  httpServer: HttpServer,
  framework: Pick<FrameworkServer, "io" | "enginePath" | "matches" | "serveClient"> & { engine: EngineEntry },
): (() => void) | undefined {
  const adapter = (app as INestApplicationContext & { getHttpAdapter?: () => HttpAdapterLike }).getHttpAdapter?.();
  const type = adapter?.getType();
  const { io, engine, enginePath, matches, serveClient } = framework;
  const bundlePath = `${io.path()}/:file`;
  if (type === "express") {
    const express = adapter!.getInstance() as ExpressLike;
    express.all(enginePath, (req, res) => dispatchToEngine(engine, req, res));
    if (io.serveClient()) express.get(bundlePath, (req, res, next) => void (serveClient(req, res) || next()));
  } else if (type === "fastify") {
    const fastify = adapter!.getInstance() as FastifyLike;
    // The engine reads request bodies itself: no parser of this scope may consume them.
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("*", (_request, _payload, done) => done(null));
      scope.route({ method: ["GET", "POST", "OPTIONS"], url: enginePath, handler: (request, reply) => dispatchToEngine(engine, request.raw, hijack(reply)) });
      if (io.serveClient()) {
        scope.route({
          method: ["GET", "HEAD"],
          url: bundlePath,
          handler: (request, reply) => {
            const res = hijack(reply);
            if (!serveClient(request.raw, res)) res.writeHead(404, { "content-type": "text/plain" }).end("not found");
          },
        });
      }
    });
  } else {
    return undefined;
  }
  return routeUpgrades(httpServer, { matches, handler: () => httpServer.listeners("request")[0] as RequestListener | undefined });
}
